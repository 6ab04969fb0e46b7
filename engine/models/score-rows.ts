import type { ScoreRecord } from '../storage/types.ts';
import type { CustomerScore } from './score.ts';
import { MS_PER_DAY } from './time.ts';
import type { TimeUnit } from './types.ts';

/**
 * How one customer's predictions are stored: one score row per model (the names nodes,
 * segments and templates ask for). `value` is the number a condition compares; `data` holds
 * the detail (dates as ISO strings).
 */

export const SCORE_MODELS = [
  'purchase',
  'churn',
  'engagement',
  'clv',
  'next_purchase',
  'lifecycle',
  'value_tier',
  'rfm',
  'persona',
  'recommendations',
] as const;
export type ScoreModel = (typeof SCORE_MODELS)[number];

export interface RowContext {
  modelVersion: string;
  scoredAt: number;
  horizon: number;
  timeUnit: TimeUnit;
  /** Window of the purchase propensity in days. */
  propensityWindowDays: number;
  churnWindowDays: number;
  /** Start (epoch ms) of the as-of day, from which next-purchase deciles count days. */
  scoredDay: number;
}

/**
 * The score rows of one customer.
 * @example scoreRows(7, customerScore(scores, 0), ctx).find((r) => r.model === 'clv')!.value
 */
export function scoreRows(customerId: number, c: CustomerScore, ctx: RowContext): ScoreRecord[] {
  const row = (model: ScoreModel, value: number | null, data: Record<string, unknown>): ScoreRecord => ({
    customerId,
    model,
    value,
    data,
    modelVersion: ctx.modelVersion,
    scoredAt: ctx.scoredAt,
  });
  const rows = [
    row('lifecycle', null, { stage: c.lifecycle_stage }),
    row('engagement', c.engagement_likelihood, {}),
    row('recommendations', null, { items: c.recommendations }),
  ];
  // Prospects (no purchase yet) have no purchase-model scores.
  if (c.x === null) return rows;
  rows.push(
    row('purchase', c.purchase_propensity, {
      windowDays: ctx.propensityWindowDays,
      pAlive: c.p_alive,
      expectedPurchases: c.expected_purchases,
      probability30d: c.purchase_probability_30d,
      probability60d: c.purchase_probability_60d,
      probability90d: c.purchase_probability_90d,
      model: c.model,
    }),
    row('churn', c.churn_probability, { windowDays: ctx.churnWindowDays, pAlive: c.p_alive, overdueProbability: c.overdue_probability, model: c.model }),
    row('clv', c.clv, { expectedSpendPerPurchase: c.expected_spend_per_purchase, expectedPurchases: c.expected_purchases, horizon: ctx.horizon, timeUnit: ctx.timeUnit }),
    // value: the median date (null when not within the horizon); deciles let a wait act on any probability.
    row('next_purchase', c.next_purchase_at ? c.next_purchase_at.getTime() : null, {
      at: c.next_purchase_at?.toISOString() ?? null,
      low: c.next_purchase_low?.toISOString() ?? null,
      high: c.next_purchase_high?.toISOString() ?? null,
      deciles: c.next_purchase_deciles.map((d) => (d === null ? null : new Date(ctx.scoredDay + d * MS_PER_DAY).toISOString())),
      source: c.next_purchase_source,
      cycleDays: c.purchase_cycle_days,
    }),
    row('value_tier', c.clv, { tier: c.value_tier }),
    row('rfm', c.rfm_r! * 100 + c.rfm_f! * 10 + c.rfm_m!, { r: c.rfm_r, f: c.rfm_f, m: c.rfm_m, segment: c.rfm_segment }),
    row('persona', null, { persona: c.persona }),
  );
  return rows;
}

/**
 * The one row stored for a customer the models know nothing about (no orders, no email).
 * @example prospectRow(9, ctx) // => { model: 'lifecycle', data: { stage: 'prospect' }, … }
 */
export function prospectRow(customerId: number, ctx: RowContext): ScoreRecord {
  return { customerId, model: 'lifecycle', value: null, data: { stage: 'prospect' }, modelVersion: ctx.modelVersion, scoredAt: ctx.scoredAt };
}
