import { describe, expect, it } from 'vitest';
import { CALIBRATION_END, HOLDOUT_WEEKS, loadCdnowSample, PUBLISHED_BGNBD, PUBLISHED_GAMMA_GAMMA } from './cdnow.fixture.ts';
import { customerScores, scoreCustomers } from './score.ts';
import { generateEmailEvents, generatePopulation } from './synthetic.ts';

describe('scoreCustomers', () => {
  it('scores the CDNOW sample at the calibration end', async () => {
    const { orders } = await loadCdnowSample();
    const { scores, report } = scoreCustomers({ orders, asOf: CALIBRATION_END, timeUnit: 'week', horizon: HOLDOUT_WEEKS, options: { personas: false } });
    const customers = [...customerScores(scores)];
    expect(customers).toHaveLength(2357);
    expect(report.buyers).toBe(2357);
    expect(Math.abs(report.bgnbd.params.r / PUBLISHED_BGNBD.r - 1)).toBeLessThan(0.005);
    expect(Math.abs(report.gammaGamma!.params.p / PUBLISHED_GAMMA_GAMMA.p - 1)).toBeLessThan(0.005);

    const c1 = customers.find((c) => c.customer_id === 'c1')!;
    // The purchase model was chosen by the inner time-based holdout, and says why.
    const chosen = report.purchaseModel;
    expect(chosen.selection.candidates.map((c) => c.name)).toEqual(['bgnbd', 'pareto-nbd', 'mbgnbd']);
    const best = Math.min(...chosen.selection.candidates.map((c) => c.holdoutMae));
    expect(chosen.selection.candidates.find((c) => c.name === chosen.name)!.holdoutMae).toBe(best);
    expect(chosen.selection.reason).toMatch(/mean absolute error/);
    expect(c1.model).toBe(chosen.name);
    expect(c1.x).toBe(2);
    expect(c1.next_purchase_source).toBe('own-cycle'); // three purchase days
    expect(c1.clv!).toBeGreaterThan(0);
    expect(c1.clv!).toBeLessThan(c1.expected_purchases! * c1.expected_spend_per_purchase!);

    const asOf = CALIBRATION_END.getTime();
    for (const c of customers) {
      for (const v of [c.p_alive, c.expected_purchases, c.clv, c.expected_spend_per_purchase, c.purchase_propensity, c.churn_probability]) expect(Number.isFinite(v)).toBe(true);
      // Probabilities in [0, 1] and ordered by window.
      expect(c.purchase_probability_30d!).toBeGreaterThanOrEqual(0);
      expect(c.purchase_probability_30d!).toBeLessThanOrEqual(c.purchase_probability_60d!);
      expect(c.purchase_probability_60d!).toBeLessThanOrEqual(c.purchase_probability_90d!);
      expect(c.churn_probability!).toBeGreaterThan(0);
      expect(c.churn_probability!).toBeLessThan(1);
      // Dates: after the as-of day, within the 39-week horizon, or empty — never in the past, never years out.
      for (const d of [c.next_purchase_low, c.next_purchase_at, c.next_purchase_high]) {
        if (d === null) continue;
        expect(d.getTime()).toBeGreaterThan(asOf);
        expect(d.getTime()).toBeLessThanOrEqual(asOf + 273 * 86_400_000);
      }
      if (c.next_purchase_at && c.next_purchase_high) expect(c.next_purchase_high.getTime()).toBeGreaterThanOrEqual(c.next_purchase_at.getTime());
      // A date says "likely to buy within the churn window": never beside a churn score saying the opposite.
      if (c.next_purchase_at) {
        expect(c.next_purchase_at.getTime()).toBeLessThanOrEqual(asOf + 90 * 86_400_000);
        expect(c.churn_probability!).toBeLessThan(0.5);
      }
      expect(c.recommendations).toEqual([]);
    }

    // One-time buyers silent for months are no longer all "new"; and RFM never calls an active customer lost.
    const oneTimers = customers.filter((c) => c.x === 0);
    expect(oneTimers.filter((c) => c.lifecycle_stage === 'at-risk' || c.lifecycle_stage === 'lapsed').length).toBeGreaterThan(oneTimers.length / 2);
    for (const c of customers) {
      const gone = ['Lost', 'Hibernating', 'At Risk', "Can't Lose Them"].includes(c.rfm_segment!);
      expect(gone).toBe(c.lifecycle_stage === 'at-risk' || c.lifecycle_stage === 'lapsed');
    }
    const tiers = customers.map((c) => c.value_tier);
    expect(tiers.filter((t) => t === 'high').length).toBeGreaterThanOrEqual(471);
    expect(tiers.filter((t) => t === 'high').length).toBeLessThan(520);
    // No training window one horizon back (the cohort started in 1997): the classifier is trained on the
    // 90-day churn window before the as-of date instead, and used because it beats the model there.
    expect(report.propensity).toMatchObject({ source: 'logistic', windowDays: 90, trainingCutoff: '1997-07-02' });
    expect(report.churn).toMatchObject({ source: 'logistic', windowDays: 90 });
  });

  it('trains the propensity model when a window of history precedes the as-of date', async () => {
    const { orders } = await loadCdnowSample();
    const { report } = scoreCustomers({ orders, asOf: new Date('1998-06-30T00:00:00Z'), timeUnit: 'week', horizon: HOLDOUT_WEEKS, options: { personas: false } });
    if (report.propensity.source !== 'logistic') throw new Error(report.propensity.reason);
    expect(report.propensity.trainingCutoff).toBe('1997-09-30');
    expect(report.propensity.holdout.auc).toBeGreaterThan(report.propensity.holdout.baselineAuc!);
    expect(report.propensity.holdout.calibration).toHaveLength(10);
  });

  it('covers prospects, engagement, personas and recommendations on a synthetic base', () => {
    const end = new Date('2024-12-31T00:00:00Z');
    const { orders, truth } = generatePopulation({
      customers: 3000,
      seed: 2,
      bgnbd: { r: 0.5, alpha: 10, a: 1.2, b: 3 },
      gammaGamma: { p: 6, q: 4, gamma: 15 },
      start: new Date('2023-01-01T00:00:00Z'),
      acquisitionDays: 720,
      end,
      timeUnit: 'week',
      items: { catalogue: 60, groups: 6, loyalty: 0.8 },
    });
    const ids = [...truth.ids, 'lead1', 'lead2'];
    const { events } = generateEmailEvents({ ids, seed: 3, start: new Date('2024-06-01T00:00:00Z'), days: 210, sendEveryDays: 7, openA: 2, openB: 5, clickGivenOpen: 0.2 });
    const { scores, report } = scoreCustomers({ orders, events, asOf: end, timeUnit: 'week', horizon: 26 });
    const customers = [...customerScores(scores)];
    expect(report.prospects).toBe(2);
    const lead = customers.find((c) => c.customer_id === 'lead1')!;
    expect(lead.lifecycle_stage).toBe('prospect');
    expect(lead.p_alive).toBeNull();
    expect(lead.engagement_likelihood).toBeGreaterThan(0);
    expect(lead.recommendations[0]!.source).toBe('popular');
    expect(report.engagement && 'holdout' in report.engagement && report.engagement.holdout.auc).toBeGreaterThan(0.6);
    expect(report.personas!.k).toBeGreaterThanOrEqual(2);
    const buyer = customers.find((c) => c.x !== null && c.x > 2)!;
    expect(buyer.persona).toMatch(/spenders/);
    expect(buyer.recommendations).toHaveLength(5);
    expect(buyer.recommendations[0]!.source).toBe('co-purchase');
    expect(report.propensity.source).toBe('logistic');
    expect(new Set(customers.map((c) => c.lifecycle_stage))).toEqual(new Set(['prospect', 'new', 'repeat', 'at-risk', 'lapsed']));
  });

  it('leaves the purchase-model scores blank for a shop with too few repeat buyers, instead of storing a meaningless fit', () => {
    // Six customers, one of whom bought twice: BG/NBD "converges" to r in the tens of thousands here.
    const day = (d: number): Date => new Date(Date.UTC(2024, 0, d));
    const orders = [
      ...['a', 'b', 'c', 'd', 'e'].map((id, k) => ({ customerId: id, orderId: `o-${id}`, orderedAt: day(2 + k), amount: 20 + 10 * k })),
      { customerId: 'a', orderId: 'o-a2', orderedAt: day(20), amount: 35 },
      { customerId: 'old', orderId: 'o-old', orderedAt: new Date(Date.UTC(2022, 0, 5)), amount: 500 },
      { customerId: 'summer', orderId: 'o-summer', orderedAt: new Date(Date.UTC(2023, 7, 1)), amount: 15 },
    ];
    const { scores, report } = scoreCustomers({ orders, asOf: day(31), timeUnit: 'week', horizon: 52, options: { personas: false } });
    const customers = [...customerScores(scores)];
    expect(customers).toHaveLength(7);
    for (const c of customers) {
      for (const key of ['p_alive', 'expected_purchases', 'churn_probability', 'purchase_probability_30d', 'purchase_probability_90d', 'clv', 'purchase_propensity', 'overdue_probability'] as const) expect(c[key], `${c.customer_id}.${key}`).toBeNull();
      expect(c.next_purchase_at).toBeNull();
      // Nor is a model named behind them (stored rows said "model": "bgnbd").
      expect(c.model, c.customer_id).toBeNull();
    }
    expect(report.warnings.join('\n')).toMatch(/only 1 of 7 customers bought again: the purchase-model scores .* are left blank until 10 have/);
    // Stages and tiers still come from the history: a repeat buyer, new ones, a customer silent for two years, the top spender.
    const by = new Map(customers.map((c) => [c.customer_id, c]));
    expect(by.get('a')!.lifecycle_stage).toBe('repeat');
    expect(by.get('e')!.lifecycle_stage).toBe('new');
    expect(by.get('old')!.lifecycle_stage).toBe('lapsed');
    // Six months silent: no gap statistics from one repeat buyer to call that overdue, and not a year yet.
    expect(by.get('summer')!.lifecycle_stage).toBe('new');
    expect(by.get('old')!.value_tier).toBe('high');
  });

  it('rejects an as-of date before any order', async () => {
    const { orders } = await loadCdnowSample();
    expect(() => scoreCustomers({ orders, asOf: new Date('1990-01-01'), timeUnit: 'week', horizon: 39 })).toThrow(/no orders on or before 1990-01-01/);
    expect(() => scoreCustomers({ orders, asOf: CALIBRATION_END, timeUnit: 'week', horizon: 0 })).toThrow(/horizon = 0/);
  });

  it('warns once when the chosen BG/NBD fit did not converge (it was said twice, as "BG/NBD" and "bgnbd")', () => {
    // Twelve customers with identical histories: two orders a month apart, the second on the as-of day.
    const orders = Array.from({ length: 12 }, (_, c) => ['2024-01-01', '2024-02-01'].map((d, k) => ({ customerId: `d${c}`, orderId: `d${c}-${k}`, orderedAt: new Date(`${d}T00:00:00Z`), amount: 10 }))).flat();
    const { report } = scoreCustomers({ orders, asOf: new Date('2024-02-01T00:00:00Z'), timeUnit: 'week', horizon: 10, options: { personas: false, purchaseModels: ['bgnbd'] } });
    expect(report.warnings.filter((w) => w.includes('did not reach the gradient tolerance'))).toEqual(['BG/NBD fit did not reach the gradient tolerance; parameters may be imprecise']);
  });
});
