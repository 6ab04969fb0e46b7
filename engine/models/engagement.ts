import { ForesightError } from '../core/errors.ts';
import { type EmailFeatures, emailEventsBetween, type EmailIndex, type FeatureTable, featuresAt, type OrderIndex } from './features.ts';
import { fitWithHoldout, type HoldoutReport } from './holdout.ts';
import { type LogisticModel, predictLogistic } from './logistic.ts';
import { column } from './rows.ts';
import { dateOfDay, dayNumber } from './time.ts';
import type { TimeUnit } from './types.ts';

/**
 * Likelihood to engage: will the customer open (or click) an email in the next window?
 * Logistic regression on the recency and frequency of their email interactions. Trained like
 * the propensity model, one window back: features at asOf − window, label = any open/click in
 * (asOf − window, asOf], rows = customers sent at least one email by then.
 */

export type EngagementEvent = 'open' | 'click';

/** Days-since value used for "never": about ten years, flagged separately by never_opened. */
const NEVER_DAYS = 3650;

/**
 * Feature columns for every table row (buyers and prospects). Rates are smoothed so a
 * customer with one send is not scored as 0% or 100%.
 * @example engagementFeatures(table).open_rate
 */
export function engagementFeatures(table: FeatureTable): Record<string, Float64Array> {
  const e = requireEmail(table);
  const col = (f: (i: number) => number): Float64Array => column(table.n, f);
  return {
    log_sent: col((i) => Math.log1p(e.sent[i]!)),
    log_opens: col((i) => Math.log1p(e.opened[i]!)),
    log_clicks: col((i) => Math.log1p(e.clicked[i]!)),
    open_rate: col((i) => (e.opened[i]! + 1) / (e.sent[i]! + 2)),
    click_rate: col((i) => (e.clicked[i]! + 1) / (e.sent[i]! + 2)),
    log_days_since_open: col((i) => Math.log1p(Number.isNaN(e.daysSinceOpen[i]!) ? NEVER_DAYS : e.daysSinceOpen[i]!)),
    never_opened: col((i) => (Number.isNaN(e.daysSinceOpen[i]!) ? 1 : 0)),
  };
}

export interface EngagementTraining {
  model: LogisticModel;
  report: HoldoutReport;
  event: EngagementEvent;
  trainingCutoff: Date;
  windowDays: number;
}

/**
 * @example
 * const t = trainEngagement({ orders: orderIndex, email: emailIndex, asOf, timeUnit: 'week', windowDays: 28, event: 'open' });
 */
export function trainEngagement(o: {
  orders: OrderIndex;
  email: EmailIndex;
  asOf: Date;
  timeUnit: TimeUnit;
  windowDays: number;
  event: EngagementEvent;
  minRows?: number;
  seed?: number;
}): EngagementTraining | { reason: string } {
  const asOfDay = dayNumber(o.asOf);
  const trainingCutoff = dateOfDay(asOfDay - o.windowDays);
  const table = featuresAt(o.orders, trainingCutoff, o.timeUnit, o.email);
  const rows: number[] = [];
  const sent = requireEmail(table).sent;
  for (let i = 0; i < table.n; i++) if (sent[i]! > 0) rows.push(i);
  const minRows = o.minRows ?? 100;
  if (rows.length < minRows) {
    return { reason: `only ${rows.length} customers had been emailed by ${trainingCutoff.toISOString().slice(0, 10)}; need ${minRows}` };
  }
  const counts = emailEventsBetween(o.email, table, o.event, table.cutoffDay, asOfDay);
  const labels = Float64Array.from(rows, (i) => (counts[i]! > 0 ? 1 : 0));
  const positives = labels.reduce((s, v) => s + v, 0);
  if (positives < 10 || labels.length - positives < 10) {
    return { reason: `the training window has ${positives} customers who ${o.event}ed and ${labels.length - positives} who did not; need 10 of each` };
  }
  const features: Record<string, Float64Array> = {};
  for (const [name, col] of Object.entries(engagementFeatures(table))) features[name] = Float64Array.from(rows, (i) => col[i]!);
  const { model, report } = fitWithHoldout(features, labels, { ids: rows.map((i) => table.ids[i]!), seed: o.seed ?? 1 });
  return { model, report, event: o.event, trainingCutoff, windowDays: o.windowDays };
}

/**
 * Engagement likelihood per table row; NaN for customers never emailed (nothing to go on).
 * @example scoreEngagement(training.model, table)
 */
export function scoreEngagement(model: LogisticModel, table: FeatureTable): Float64Array {
  const p = predictLogistic(model, engagementFeatures(table));
  const sent = requireEmail(table).sent;
  for (let i = 0; i < table.n; i++) if (sent[i] === 0) p[i] = NaN;
  return p;
}

function requireEmail(table: FeatureTable): EmailFeatures {
  if (!table.email) {
    throw new ForesightError('invalid_model_input', 'the feature table has no email features; take features with an EmailIndex (indexEmailEvents)', { field: 'email' });
  }
  return table.email;
}
