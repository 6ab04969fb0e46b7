import { describe, expect, it } from 'vitest';
import { fitBgnbd } from './bgnbd.ts';
import { churnProbability } from './churn.ts';
import { featuresAt, indexOrders } from './features.ts';
import { auc } from './metrics.ts';
import { generatePopulation } from './synthetic.ts';
import { dayNumber } from './time.ts';

describe('churn probability', () => {
  it('ranks and calibrates against the known dropouts of a synthetic base', () => {
    const end = new Date('2025-06-30T00:00:00Z');
    const { orders, truth } = generatePopulation({
      customers: 8_000,
      seed: 21,
      bgnbd: { r: 0.5, alpha: 10, a: 1.2, b: 3 },
      gammaGamma: { p: 6, q: 4, gamma: 15 },
      start: new Date('2024-01-01T00:00:00Z'),
      acquisitionDays: 120,
      end,
      timeUnit: 'week',
    });
    const table = featuresAt(indexOrders(orders), end, 'week');
    const fit = fitBgnbd(table);
    const truthRow = new Map(truth.ids.map((id, c) => [id, c]));
    const churn = new Float64Array(table.n);
    const dead = new Float64Array(table.n);
    for (let i = 0; i < table.n; i++) {
      churn[i] = churnProbability(fit.params, table.x[i]!, table.tx[i]!, table.T[i]!);
      dead[i] = truth.dropoutDay[truthRow.get(table.ids[i]!)!]! <= dayNumber(end) + 1 ? 1 : 0;
    }
    // One-time buyers cannot have dropped out (model and truth agree): score 0.
    for (let i = 0; i < table.n; i++) if (table.x[i] === 0) expect(churn[i]).toBe(0);
    expect(auc(churn, dead)).toBeGreaterThan(0.85);
    const meanChurn = churn.reduce((s, v) => s + v, 0) / table.n;
    const deadShare = dead.reduce((s, v) => s + v, 0) / table.n;
    expect(Math.abs(meanChurn - deadShare)).toBeLessThan(0.02);
  });
});
