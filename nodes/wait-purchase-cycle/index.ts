import { defineNode } from '../../engine/plugin/define-node.ts';
import { parseDuration } from '../../engine/core/duration.ts';
import type { Filter } from '../../engine/core/filter.ts';
import type { PurchasePrediction } from '../../engine/plugin/services.ts';

interface Config {
  mode: 'offset' | 'probability';
  probability: number;
  offset: string;
  direction: 'before' | 'after';
  minWait: string;
  maxWait: string;
  fallback: string;
  purchaseEvent: string;
  where: Filter[];
}

/**
 * Waits until the customer's predicted next purchase, shifted by an offset — or, in
 * probability mode, until P(they have purchased by now) reaches a level, read off the
 * models' next-purchase distribution. The prediction is read again whenever the wait wakes
 * (at the planned time, or early when the models job moves predictions), so the wake time
 * follows it. The trace records the probability the decision acted on.
 */
export default defineNode<Config>({
  type: 'wait.purchaseCycle',
  version: 1,
  label: 'Wait for the purchase cycle',
  category: 'timing',
  description:
    'Waits until the customer is due to buy again — their predicted next purchase plus or minus an offset, or the moment the chance they have bought reaches a level — and leaves through "due"; a purchase before then leaves through "purchased". ' +
    'The wait follows the prediction when new orders or a model refresh move it. Customers not expected to buy within the models’ horizon at all wait the maximum; without any prediction the fallback applies.',
  fields: [
    {
      key: 'mode',
      label: 'Due when',
      kind: 'select',
      default: 'offset',
      options: [
        { value: 'offset', label: 'the predicted date, plus or minus an offset' },
        { value: 'probability', label: 'the chance they have bought by now reaches a level' },
      ],
    },
    {
      key: 'probability',
      label: 'Chance they have bought',
      kind: 'number',
      min: 0.05,
      max: 0.95,
      default: 0.5,
      help: 'Probability mode: due once P(purchased by now) reaches this, e.g. 0.7 = 70 % of customers like them would have bought.',
    },
    { key: 'offset', label: 'Offset', kind: 'duration', default: '0d', help: 'Offset mode: how far from the predicted date, e.g. 3d.' },
    {
      key: 'direction',
      label: 'Offset direction',
      kind: 'select',
      default: 'before',
      options: [
        { value: 'before', label: 'before they are due' },
        { value: 'after', label: 'after they are due' },
      ],
    },
    { key: 'minWait', label: 'Wait at least', kind: 'duration', default: '1h', help: 'Counted from when the customer reached this step.' },
    { key: 'maxWait', label: 'Wait at most', kind: 'duration', default: '180d', help: 'Counted from when the customer reached this step.' },
    { key: 'fallback', label: 'Without any prediction, wait', kind: 'duration', default: '30d' },
    { key: 'purchaseEvent', label: 'Purchase event', kind: 'text', required: true, default: 'purchase' },
    { key: 'where', label: 'Only purchases where', kind: 'filters', default: [] },
  ],
  ports: ['due', 'purchased'],
  waits: true,
  minWaitMs: (c) => parseDuration(c.minWait, 'minWait'),
  validate: (c) => {
    try {
      return parseDuration(c.minWait, 'minWait') > parseDuration(c.maxWait, 'maxWait') ? [{ field: 'minWait', message: `Wait at least (${c.minWait}) must not be longer than Wait at most (${c.maxWait})` }] : [];
    } catch {
      return []; // the field checks already report malformed durations
    }
  },
  run: async (ctx) => {
    const c = ctx.config;
    const entered = ctx.run.nodeEnteredAt.getTime();
    const maxWait = entered + parseDuration(c.maxWait, 'maxWait');
    const prediction = await ctx.services.nextPurchase();
    const points = prediction ? probabilityPoints(prediction) : [];
    // `at` is only set within the churn window; the distribution's median still exists beyond it.
    const median = prediction ? (prediction.at ?? prediction.deciles?.[4] ?? null) : null;
    let planned: number;
    if (!prediction) planned = entered + parseDuration(c.fallback, 'fallback');
    else if (c.mode === 'probability') planned = timeOfProbability(points, c.probability) ?? maxWait;
    else planned = median ? median.getTime() + parseDuration(c.offset, 'offset') * (c.direction === 'before' ? -1 : 1) : maxWait;
    const due = Math.min(Math.max(planned, entered + parseDuration(c.minWait, 'minWait')), maxWait);
    const trace = {
      due: new Date(due).toISOString(),
      mode: c.mode,
      predicted: median ? median.toISOString() : null,
      source: prediction ? prediction.source : 'fallback',
      cycleDays: prediction?.cycleDays ?? null,
      // P(purchased by the due time) under the prediction; null without one.
      probability: prediction ? probabilityAt(points, due) : null,
      ...(c.mode === 'probability' ? { target: c.probability } : {}),
      ...(ctx.wake ? { replanned: true } : {}),
    };
    if (due <= ctx.now.getTime()) return { next: 'due', trace };
    return { wait: { until: new Date(due), event: { type: c.purchaseEvent, where: c.where, port: 'purchased' } }, trace };
  },
});

/** (time, P(purchased by then)) points of a prediction, ascending: the deciles when the models gave them, else low / at / high. */
function probabilityPoints(p: PurchasePrediction): { at: number; p: number }[] {
  const points: { at: number; p: number }[] = p.from ? [{ at: p.from.getTime(), p: 0 }] : [];
  const marks = p.deciles ? p.deciles.map((d, k) => [d, (k + 1) / 10] as const) : ([[p.low, 0.1], [p.at, 0.5], [p.high, 0.9]] as const);
  for (const [d, q] of marks) if (d) points.push({ at: d.getTime(), p: q });
  return points.sort((a, b) => a.at - b.at || a.p - b.p);
}

/** The first time P(purchased) reaches q, interpolated linearly; null when the prediction never gets there. */
function timeOfProbability(points: readonly { at: number; p: number }[], q: number): number | null {
  for (let k = 0; k < points.length; k++) {
    const b = points[k]!;
    if (b.p < q) continue;
    const a = points[k - 1];
    return !a || b.p === a.p ? b.at : a.at + ((q - a.p) / (b.p - a.p)) * (b.at - a.at);
  }
  return null;
}

/** P(purchased by time t), interpolated; before the first point the first level, after the last the last (a lower bound). */
function probabilityAt(points: readonly { at: number; p: number }[], t: number): number | null {
  if (points.length === 0) return null;
  if (t <= points[0]!.at) return points[0]!.p;
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1]!;
    const b = points[k]!;
    if (t <= b.at) return b.at === a.at ? b.p : a.p + ((t - a.at) / (b.at - a.at)) * (b.p - a.p);
  }
  return points[points.length - 1]!.p;
}
