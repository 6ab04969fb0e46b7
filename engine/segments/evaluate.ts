import { parseDuration } from '../core/duration.ts';
import { getPath, matchesFilter } from '../core/filter.ts';
import type { CustomerProfile } from '../plugin/define-node.ts';
import type { NodeServices } from '../plugin/services.ts';
import type { CompareOp, SegmentCondition } from './definition.ts';

const DAY = 86_400_000;

/** What a segment needs to know about one customer: the node services' reads. */
export interface SegmentSubject {
  customer: CustomerProfile;
  services: Pick<NodeServices, 'countEvents' | 'lastEventAt' | 'orders' | 'scores'>;
}

/** One evaluated leaf: where it sits in the tree, what was observed, and the verdict. */
export interface SegmentCheck {
  path: string;
  kind: string;
  value: unknown;
  result: boolean;
}

export interface SegmentVerdict {
  matched: boolean;
  /** The decision inputs, in evaluation order (groups short-circuit, so not every leaf appears). */
  checks: SegmentCheck[];
}

function compare(actual: number | null, op: CompareOp, expected: number): boolean {
  if (actual === null || Number.isNaN(actual)) return false;
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'gt':
      return actual > expected;
    case 'gte':
      return actual >= expected;
    case 'lt':
      return actual < expected;
    case 'lte':
      return actual <= expected;
  }
}

/** A label the models job stored: lifecycle `stage`, value `tier`, RFM `segment` (or a generic `label`). */
export function scoreLabel(score: { data: Record<string, unknown> } | undefined): string | null {
  if (!score) return null;
  for (const key of ['stage', 'tier', 'segment', 'label']) {
    const v = score.data[key];
    if (typeof v === 'string' && v) return v;
  }
  return null;
}

const LABEL_MODELS = { lifecycle: 'lifecycle', valueTier: 'value_tier', rfm: 'rfm' } as const;

/**
 * Evaluates a (validated) segment definition for one customer at `now`.
 * Reads are made lazily, so `all`/`any` stop as soon as the answer is known.
 */
export async function evaluateSegment(def: SegmentCondition, subject: SegmentSubject, now: Date): Promise<SegmentVerdict> {
  const checks: SegmentCheck[] = [];
  let scores: ReturnType<SegmentSubject['services']['scores']> | undefined;
  const getScores = () => (scores ??= subject.services.scores());
  const profile = subject.customer;
  const attributes = { ...profile.attributes, attributes: profile.attributes, email: profile.email, timezone: profile.timezone, externalId: profile.externalId };

  const leaf = (path: string, kind: string, value: unknown, result: boolean) => {
    checks.push({ path, kind, value, result });
    return result;
  };

  const visit = async (c: SegmentCondition, path: string): Promise<boolean> => {
    const at = (...p: (string | number)[]) => [path, ...p].filter((x) => x !== '').join('.');
    if ('all' in c) {
      for (let i = 0; i < c.all.length; i++) if (!(await visit(c.all[i]!, at('all', i)))) return false;
      return true;
    }
    if ('any' in c) {
      for (let i = 0; i < c.any.length; i++) if (await visit(c.any[i]!, at('any', i))) return true;
      return false;
    }
    if ('not' in c) return !(await visit(c.not, at('not')));
    if ('attribute' in c) {
      return leaf(path, 'attribute', getPath(attributes, c.attribute) ?? null, matchesFilter(attributes, { path: c.attribute, op: c.op, value: c.value }));
    }
    if ('event' in c) {
      const since = c.within ? new Date(now.getTime() - parseDuration(c.within, `${path}.within`)) : undefined;
      const n = await subject.services.countEvents(c.event, { since, where: c.where });
      return leaf(path, 'event', n, compare(n, c.op ?? 'gte', c.value ?? 1));
    }
    if ('lastEvent' in c) {
      const last = await subject.services.lastEventAt(c.lastEvent, { where: c.where });
      const days = last ? (now.getTime() - last.getTime()) / DAY : Number.POSITIVE_INFINITY;
      return leaf(path, 'lastEvent', last ? Math.round(days * 100) / 100 : 'never', compare(days, c.op, c.days));
    }
    if ('orders' in c) {
      const since = c.within ? now.getTime() - parseDuration(c.within, `${path}.within`) : Number.NEGATIVE_INFINITY;
      const orders = (await subject.services.orders()).filter((o) => o.orderedAt.getTime() >= since);
      const total = orders.reduce((s, o) => s + o.amount, 0);
      const last = orders.reduce((m, o) => Math.max(m, o.orderedAt.getTime()), Number.NEGATIVE_INFINITY);
      const value =
        c.orders === 'count' ? orders.length : c.orders === 'total' ? total : c.orders === 'average' ? (orders.length ? total / orders.length : null) : (now.getTime() - last) / DAY;
      const shown = value === Number.POSITIVE_INFINITY ? 'never' : value === null ? null : Math.round(value * 100) / 100;
      return leaf(path, `orders.${c.orders}`, shown, compare(value, c.op, c.value));
    }
    if ('score' in c) {
      const s = (await getScores())[c.score];
      return leaf(path, `score.${c.score}`, s?.value ?? null, compare(s?.value ?? null, c.op, c.value));
    }
    const kind = 'lifecycle' in c ? 'lifecycle' : 'valueTier' in c ? 'valueTier' : 'rfm';
    const wanted = (c as Record<typeof kind, string[]>)[kind].map((l) => l.toLowerCase());
    const label = scoreLabel((await getScores())[LABEL_MODELS[kind]]);
    return leaf(path, kind, label, label !== null && wanted.includes(label.toLowerCase()));
  };

  const matched = await visit(def, '');
  return { matched, checks };
}
