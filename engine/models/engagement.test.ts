import { describe, expect, it } from 'vitest';
import { scoreEngagement, trainEngagement } from './engagement.ts';
import { emailEventsBetween, featuresAt, indexEmailEvents, indexOrders } from './features.ts';
import { auc } from './metrics.ts';
import { holdoutMask } from './split.ts';
import { generateEmailEvents } from './synthetic.ts';
import { dateOfDay, dayNumber } from './time.ts';

describe('engagement likelihood', () => {
  const ids = Array.from({ length: 4000 }, (_, i) => `c${i}`);
  const start = new Date('2024-01-01T00:00:00Z');
  const { events, openPropensity } = generateEmailEvents({ ids, seed: 31, start, days: 168, sendEveryDays: 7, openA: 1.5, openB: 4, clickGivenOpen: 0.25 });
  const email = indexEmailEvents(events);
  const orders = indexOrders([]);
  const asOf = dateOfDay(dayNumber(start) + 140);

  it('ranks as well as the Bayes-optimal score and below an oracle knowing the true propensity', () => {
    const t = trainEngagement({ orders, email, asOf, timeUnit: 'day', windowDays: 28, event: 'open' });
    if (!('model' in t)) throw new Error(t.reason);
    expect(t.model.converged).toBe(true);
    // Re-create the holdout rows and labels to score two references on them: the true π
    // (unknowable: an upper bound) and the Beta-binomial posterior mean of π given the opens
    // and sends before the cutoff (the best any model of this history can do).
    const table = featuresAt(orders, t.trainingCutoff, 'day', email);
    const labels = emailEventsBetween(email, table, 'open', table.cutoffDay, dayNumber(asOf)).map((v) => (v > 0 ? 1 : 0));
    const mask = holdoutMask(table.ids, 0.3, 1);
    const row = new Map(ids.map((id, c) => [id, c]));
    const truth: number[] = [];
    const bayes: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < table.n; i++) {
      if (mask[i] !== 1) continue;
      truth.push(openPropensity[row.get(table.ids[i]!)!]!);
      bayes.push((1.5 + table.email!.opened[i]!) / (5.5 + table.email!.sent[i]!));
      y.push(labels[i]!);
    }
    expect(t.report.holdoutRows).toBe(y.length);
    expect(t.report.auc).toBeGreaterThan(auc(bayes, y) - 0.01);
    expect(t.report.auc).toBeLessThan(auc(truth, y));
    const predicted = t.report.calibration.reduce((s, b) => s + b.meanPredicted * b.count, 0) / t.report.holdoutRows;
    const observed = t.report.calibration.reduce((s, b) => s + b.observedRate * b.count, 0) / t.report.holdoutRows;
    expect(Math.abs(predicted - observed)).toBeLessThan(0.03);

    // Scoring at the as-of date: engaged customers score higher.
    const now = featuresAt(orders, asOf, 'day', email);
    const p = scoreEngagement(t.model, now);
    const pi = Array.from(now.ids, (id) => openPropensity[row.get(id)!]!);
    expect(auc(p, pi.map((v) => (v > 0.4 ? 1 : 0)))).toBeGreaterThan(0.85);
  });

  it('explains why it cannot train on too little history', () => {
    const t = trainEngagement({ orders, email, asOf: dateOfDay(dayNumber(start) + 10), timeUnit: 'day', windowDays: 28, event: 'click' });
    expect('reason' in t && t.reason).toMatch(/only 0 customers had been emailed/);
  });
});
