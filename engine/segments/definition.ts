import { z } from 'zod';
import { isDuration } from '../core/duration.ts';
import { FILTER_OPS, filterSchema, type Filter, type FilterOp } from '../core/filter.ts';
import type { Problem } from '../graph/types.ts';
import { labelProblem, type LabelKind } from './labels.ts';

/**
 * A segment is a condition tree. Groups combine conditions (`all`, `any`,
 * `not`); leaves test one fact about the customer. Each leaf is recognised by
 * its one identifying key, so a document reads like the sentence it encodes:
 *
 * @example
 * { all: [
 *   { event: 'viewed_category', where: [{ path: 'category', op: 'eq', value: 'shoes' }], within: '7d', op: 'gte', value: 2 },
 *   { orders: 'daysSinceLast', op: 'gt', value: 30 },
 *   { not: { lifecycle: ['lapsed'] } },
 * ] }
 */
export const COMPARE_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export const ORDER_METRICS = ['count', 'total', 'average', 'daysSinceLast'] as const;
export type OrderMetric = (typeof ORDER_METRICS)[number];

export type SegmentCondition =
  | { all: SegmentCondition[] }
  | { any: SegmentCondition[] }
  | { not: SegmentCondition }
  /** A profile attribute (dotted path; also `email`, `timezone`, `externalId`). */
  | { attribute: string; op: FilterOp; value?: string | number | boolean | null }
  /** How many matching events in the window (default: ever) compare to `value` (default: at least 1). */
  | { event: string; where?: Filter[]; within?: string; op?: CompareOp; value?: number }
  /** Days since the last matching event; never seen counts as infinitely long ago. */
  | { lastEvent: string; where?: Filter[]; op: CompareOp; days: number }
  /** An order aggregate, optionally over a trailing window. No orders: count and total are 0, average is unknown, daysSinceLast is infinite. */
  | { orders: OrderMetric; within?: string; op: CompareOp; value: number }
  /** Lifecycle stage, value tier and RFM segment from the models job: one of the listed labels. */
  | { lifecycle: string[] }
  | { valueTier: string[] }
  | { rfm: string[] }
  /** A model score (`purchase`, `churn`, `engagement`, `clv`, …); no score never matches. */
  | { score: string; op: CompareOp; value: number };

const duration = z.string().refine(isDuration, { message: 'write a duration as a number and a unit, e.g. 7d, 12h or 4w' });
const compareOp = z.enum(COMPARE_OPS, { error: `use one of ${COMPARE_OPS.join(', ')}` });
const labels = z.array(z.string().min(1)).min(1, 'list at least one value');
const name = z.string().min(1, 'must not be empty');

const LEAVES = {
  attribute: z.strictObject({ attribute: name, op: z.enum(FILTER_OPS, { error: `use one of ${FILTER_OPS.join(', ')}` }), value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional() }),
  event: z.strictObject({ event: name, where: z.array(filterSchema).optional(), within: duration.optional(), op: compareOp.optional(), value: z.number().min(0).optional() }),
  lastEvent: z.strictObject({ lastEvent: name, where: z.array(filterSchema).optional(), op: compareOp, days: z.number().min(0) }),
  orders: z.strictObject({ orders: z.enum(ORDER_METRICS, { error: `use one of ${ORDER_METRICS.join(', ')}` }), within: duration.optional(), op: compareOp, value: z.number() }),
  lifecycle: z.strictObject({ lifecycle: labels }),
  valueTier: z.strictObject({ valueTier: labels }),
  rfm: z.strictObject({ rfm: labels }),
  score: z.strictObject({ score: name, op: compareOp, value: z.number() }),
} as const;

const KINDS = ['all', 'any', 'not', ...Object.keys(LEAVES)];
const MAX_DEPTH = 20;

function check(node: unknown, path: string, depth: number, out: Problem[]): void {
  const at = (p: string) => (p ? p : 'definition');
  if (depth > MAX_DEPTH) {
    out.push({ field: path, message: `${at(path)}: conditions nest deeper than ${MAX_DEPTH} levels; flatten the tree` });
    return;
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    out.push({ field: path, message: `${at(path)}: expected a condition object such as { "all": [...] } or { "attribute": "country", "op": "eq", "value": "DE" }` });
    return;
  }
  const keys = Object.keys(node).filter((k) => KINDS.includes(k));
  if (keys.length !== 1) {
    const found = keys.length ? `it has ${keys.join(' and ')}` : `it has ${Object.keys(node).join(', ') || 'no keys'}`;
    out.push({ field: path, message: `${at(path)}: a condition needs exactly one of ${KINDS.join(', ')}; ${found}` });
    return;
  }
  const kind = keys[0]!;
  const o = node as Record<string, unknown>;
  const join = (...parts: (string | number)[]) => [path, ...parts].filter((p) => p !== '').join('.');
  if (kind === 'all' || kind === 'any') {
    const extra = Object.keys(o).filter((k) => k !== kind);
    for (const k of extra) out.push({ field: join(k), message: `${join(k)}: unknown key; a group holds only "${kind}"` });
    const list = o[kind];
    if (!Array.isArray(list) || list.length === 0) {
      out.push({ field: join(kind), message: `${join(kind)}: list at least one condition` });
      return;
    }
    list.forEach((child, i) => check(child, join(kind, i), depth + 1, out));
    return;
  }
  if (kind === 'not') {
    for (const k of Object.keys(o).filter((k) => k !== 'not')) out.push({ field: join(k), message: `${join(k)}: unknown key; a "not" holds only the condition it negates` });
    check(o.not, join('not'), depth + 1, out);
    return;
  }
  const labelCheck = (k: LabelKind, labels: string[], field: (i: number) => string) =>
    labels.forEach((l, i) => {
      const message = labelProblem(k, l);
      if (message) out.push({ field: field(i), message: `${field(i)}: ${message}` });
    });
  const r = LEAVES[kind as keyof typeof LEAVES].safeParse(node);
  if (r.success) {
    const op = (node as { op?: string }).op;
    if (kind === 'attribute' && op !== 'exists' && op !== 'not_exists' && o.value === undefined) {
      out.push({ field: join('value'), message: `${join('value')}: give the value to compare the attribute with` });
    }
    if (kind === 'score') labelCheck('score', [o.score as string], () => join('score'));
    if (kind === 'lifecycle' || kind === 'valueTier' || kind === 'rfm') labelCheck(kind, o[kind] as string[], (i) => join(kind, i));
    return;
  }
  for (const issue of r.error.issues) {
    const p = join(...(issue.path as (string | number)[]));
    const msg = issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} in a "${kind}" condition` : issue.message;
    out.push({ field: p, message: `${p || 'definition'}: ${msg}` });
  }
}

/** Every problem in a definition, each naming its path (`definition.all.1.op`). */
export function definitionProblems(def: unknown, prefix = 'definition'): Problem[] {
  const out: Problem[] = [];
  check(def, prefix, 0, out);
  return out;
}

/** Zod schema for a segment definition: embeds in API and config schemas, with issue paths into the tree. */
export const segmentDefinitionSchema = z.unknown().transform((v, ctx) => {
  const problems = definitionProblems(v, '');
  for (const p of problems) ctx.addIssue({ code: 'custom', message: p.message, path: p.field ? p.field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : [] });
  return problems.length ? z.NEVER : (v as SegmentCondition);
});
