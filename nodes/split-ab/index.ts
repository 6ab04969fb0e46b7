import { defineNode } from '../../engine/plugin/define-node.ts';
import { hashUnit } from '../../engine/core/hash.ts';
import { thompsonWeights, type Arm } from './stats.ts';

export interface Variant {
  name: string;
  weight: number;
}

interface Config {
  experiment: string;
  variants: Variant[];
  holdout: number;
  control: string;
  autoAllocate: boolean;
  minSamplePerArm: number;
  explorationFloor: number;
  winner: string;
}

const NAME = /^[a-z0-9_-]+$/i;

/** Problems with a variants list, as `{ field, message }` (empty when valid). */
export function variantProblems(value: unknown): { field: string; message: string }[] {
  const field = 'variants';
  if (!Array.isArray(value)) return [{ field, message: 'Variants: give a list like [{ "name": "a", "weight": 50 }, { "name": "b", "weight": 50 }]' }];
  const problems: { field: string; message: string }[] = [];
  if (value.length < 2) problems.push({ field, message: `Variants: an A/B split needs at least 2 variants, got ${value.length}` });
  const seen = new Set<string>();
  value.forEach((v: unknown, i) => {
    const at = `${field}.${i}`;
    if (!v || typeof v !== 'object') return void problems.push({ field: at, message: `Variant ${i + 1}: must be { "name": ..., "weight": ... }` });
    const { name, weight } = v as Record<string, unknown>;
    if (typeof name !== 'string' || !NAME.test(name)) {
      problems.push({ field: `${at}.name`, message: `Variant ${i + 1}: name must use only letters, digits, "_" or "-" (e.g. "a", "free-shipping")` });
    } else if (name.toLowerCase() === 'holdout') {
      problems.push({ field: `${at}.name`, message: `Variant ${i + 1}: "holdout" is reserved for the holdout group; use the holdout share instead` });
    } else if (seen.has(name)) {
      problems.push({ field: `${at}.name`, message: `Variant ${i + 1}: name "${name}" is used twice; variant names must be unique` });
    } else seen.add(name);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      problems.push({ field: `${at}.weight`, message: `Variant ${i + 1}: weight must be a positive number (weights are relative, e.g. 50 and 50)` });
    }
  });
  return problems;
}

function validVariants(value: unknown): Variant[] {
  return Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object' && typeof v.name === 'string') as Variant[]) : [];
}

/** Picks the variant for a unit draw `u` in [0, 1): holdout first, then variants by relative weight. */
export function pick(u: number, variants: readonly Variant[], holdout: number): string {
  if (holdout > 0 && u < holdout) return 'holdout';
  const rest = holdout > 0 ? (u - holdout) / (1 - holdout) : u;
  const total = variants.reduce((s, v) => s + v.weight, 0);
  let acc = 0;
  for (const v of variants) {
    acc += v.weight / total;
    if (rest < acc) return v.name;
  }
  return variants[variants.length - 1]!.name;
}

/** An optional service a host may add to provide live per-variant counts for auto-allocation (the engine's reads this node's counters). */
type StatsService = (experiment: string) => Promise<Arm[]> | Arm[];

/**
 * Splits customers between variants (and an optional holdout) for an A/B test.
 * Assignment hashes (experiment, customer) so a customer always lands in the same
 * variant, also on re-entry. With auto-allocation and a host that provides
 * `services.experimentStats`, weights follow Thompson sampling once every arm has
 * `minSamplePerArm` customers (then assignment is sticky only while weights stay put).
 */
export default defineNode<Config>({
  type: 'split.ab',
  version: 1,
  label: 'A/B split',
  category: 'flow',
  description: 'Sends each customer down one variant path (and optionally into a holdout group that gets nothing), so you can compare which path converts better.',
  fields: [
    {
      key: 'experiment',
      label: 'Experiment name',
      kind: 'text',
      default: '',
      help: 'Customers are assigned by this name. Leave empty to use the journey and step. Reuse a name in another split to give customers the same variant there.',
    },
    {
      key: 'variants',
      label: 'Variants',
      kind: 'json',
      required: true,
      default: [
        { name: 'a', weight: 50 },
        { name: 'b', weight: 50 },
      ],
      help: 'Each path with its share of traffic, e.g. [{"name":"a","weight":50},{"name":"b","weight":50}]. Names: letters, digits, "_" or "-". Weights are relative.',
    },
    {
      key: 'holdout',
      label: 'Holdout share',
      kind: 'number',
      min: 0,
      max: 0.5,
      step: 0.01,
      default: 0,
      help: 'Share of customers (0 to 0.5, e.g. 0.1 = 10 %) kept out of every variant to measure the effect of doing nothing. Adds a "holdout" path.',
    },
    { key: 'control', label: 'Control variant', kind: 'text', default: '', help: 'The variant others are compared against in reports. Empty = the first variant.' },
    {
      key: 'autoAllocate',
      label: 'Shift traffic to winners automatically',
      kind: 'boolean',
      default: false,
      help: 'Gradually sends more customers to the variants converting best (Thompson sampling). Needs live experiment statistics from the server.',
    },
    { key: 'minSamplePerArm', label: 'Customers per variant before shifting', kind: 'number', integer: true, min: 1, default: 100, help: 'Traffic stays at the set weights until every variant has this many customers.' },
    {
      key: 'explorationFloor',
      label: 'Minimum share per variant',
      kind: 'number',
      min: 0,
      max: 0.5,
      step: 0.01,
      default: 0.05,
      help: 'When shifting traffic, every variant still gets at least this share (e.g. 0.05 = 5 %).',
    },
    {
      key: 'winner',
      label: 'Declared winner',
      kind: 'text',
      default: '',
      help: 'Set by "Declare winner" in the Numbers tab: every customer, holdout included, goes down this variant. Empty = keep testing.',
    },
  ],
  ports: (c) => {
    const names = validVariants(c.variants).map((v) => v.name);
    return Number(c.holdout) > 0 ? [...names, 'holdout'] : names;
  },
  validate(c) {
    const problems = variantProblems(c.variants);
    const names = validVariants(c.variants).map((v) => v.name);
    if (c.control && !names.includes(c.control)) problems.push({ field: 'control', message: `Control variant: "${c.control}" is not one of the variants (${names.join(', ')})` });
    const variants = validVariants(c.variants);
    if (c.winner && !names.includes(c.winner)) problems.push({ field: 'winner', message: `Declared winner: "${c.winner}" is not one of the variants (${names.join(', ')})` });
    if (c.autoAllocate && variants.length > 0 && (c.explorationFloor ?? 0.05) * variants.length > 1) {
      problems.push({ field: 'explorationFloor', message: `Minimum share per variant: ${variants.length} variants × ${c.explorationFloor} is more than all traffic` });
    }
    return problems;
  },
  async run(ctx) {
    const c = ctx.config;
    const experiment = c.experiment || `${ctx.run.journeyId}:${ctx.node.id}`;
    // A declared winner ends the test: everyone takes it, so the ports (and edges) stay as they were.
    if (c.winner) return { next: c.winner, trace: { experiment, variant: c.winner, allocation: 'winner declared' } };
    const hash = hashUnit(`${experiment}:${ctx.customer.externalId}`);
    let variants = c.variants;
    let allocation: string | Record<string, number> = 'fixed';
    if (c.autoAllocate) {
      const services = ctx.services as unknown as { experimentStats?: StatsService };
      if (typeof services.experimentStats !== 'function') allocation = 'fixed (no experiment statistics available)';
      else {
        const arms = (await services.experimentStats(experiment)).filter((a) => variants.some((v) => v.name === a.name));
        const enough = variants.every((v) => (arms.find((a) => a.name === v.name)?.runs ?? 0) >= c.minSamplePerArm);
        if (!enough) allocation = `fixed (fewer than ${c.minSamplePerArm} customers in some variant)`;
        else {
          const weights = thompsonWeights(
            variants.map((v) => arms.find((a) => a.name === v.name)!),
            { floor: c.explorationFloor, draws: 1000, random: ctx.random },
          );
          variants = variants.map((v) => ({ name: v.name, weight: weights[v.name] ?? 0 }));
          allocation = weights;
        }
      }
    }
    const variant = pick(hash, variants, c.holdout);
    return { next: variant, trace: { experiment, variant, hash, allocation } };
  },
});
