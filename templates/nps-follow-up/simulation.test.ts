import { describe, expect, it } from 'vitest';
import { DAY, simulatedTemplate } from '../simulate.ts';
import { netPromoterScore, npsFromJourneyStats } from './nps.ts';

const end = new Date('2025-03-01T00:00:00Z');
const from = new Date(end.getTime() - 45 * DAY);
const store = { customers: 2500, seed: 29, end, newsletterDays: 0 }; // no newsletter: this journey does not use engagement

describe('NPS follow-up on the demo store', () => {
  const run = simulatedTemplate('nps-follow-up', store, from);

  it('surveys two weeks after an order and sorts each answer into detractor, passive or promoter follow-up', async () => {
    const surveys = run().emailsAt('survey');
    expect(surveys.length).toBeGreaterThan(100);
    const expected = { promoters: 0, passives: 0, detractors: 0 };
    const pathOf = new Map<number, string>();
    for (const e of [...run().emailsAt('detractor'), ...run().emailsAt('passive'), ...run().emailsAt('promoter')]) pathOf.set(e.runId, e.nodeId);
    for (const s of surveys) {
      const c = run().truth.get(await run().externalId(s.customerId))!;
      const answer = c.events.find((e) => e.type === 'nps_response' && e.occurredAt > s.createdAt && e.occurredAt <= s.createdAt + 7 * DAY);
      if (!answer || answer.occurredAt > end.getTime()) {
        expect(pathOf.has(s.runId)).toBe(false);
        continue;
      }
      const score = answer.properties.score as number;
      const path = score <= 6 ? 'detractor' : score <= 8 ? 'passive' : 'promoter';
      expected[`${path}s` as keyof typeof expected]++;
      expect(pathOf.get(s.runId), `score ${score}`).toBe(path);
    }
    expect(expected.detractors + expected.passives + expected.promoters).toBeGreaterThan(15);
    expect(expected.detractors).toBeGreaterThan(0);
    expect(expected.promoters).toBeGreaterThan(0);
    // The journey reports the NPS of the answers it handled.
    const report = npsFromJourneyStats(run().stats);
    expect(report).toMatchObject(expected);
    expect(report.nps).toBeCloseTo(netPromoterScore(expected)!, 10);
  });
});

describe('netPromoterScore', () => {
  it('is % promoters minus % detractors', () => {
    expect(netPromoterScore({ promoters: 50, passives: 30, detractors: 20 })).toBe(30);
    expect(netPromoterScore({ promoters: 0, passives: 0, detractors: 4 })).toBe(-100);
    expect(netPromoterScore({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });
});
