import { describe, expect, it } from 'vitest';
import { DAY, simulatedTemplate } from '../simulate.ts';

const end = new Date('2025-03-01T00:00:00Z');
const from = new Date(end.getTime() - 14 * DAY);
const store = { customers: 1500, seed: 27, end, newsletterDays: 0 };

describe('churn-risk prevention on the demo store', () => {
  const run = simulatedTemplate('churn-prevention', store, from, { models: true });

  it('enrolls customers as the nightly models mark them at risk, and treats them by churn score band', async () => {
    expect(run().stats.enrolled).toBeGreaterThan(10);
    const band = new Map<number, { port: string; score: number | null }>();
    for (const e of run().emails) {
      const h = await run().storage.runs.history(e.runId);
      const risk = h.find((x) => x.nodeId === 'risk' && x.kind === 'port')!;
      band.set(e.runId, { port: risk.port!, score: risk.detail!.score as number | null });
    }
    for (const e of run().emails) {
      const b = band.get(e.runId)!;
      if (e.nodeId === 'content') {
        expect(b.port).toBe('medium');
        expect(b.score!).toBeGreaterThanOrEqual(0.6);
        expect(b.score!).toBeLessThan(0.8);
      } else {
        expect(['discount', 'gift']).toContain(e.nodeId);
        expect(b.port).toBe('high');
        expect(b.score!).toBeGreaterThanOrEqual(0.8);
      }
    }
    // Low risk is left alone: exactly the runs that went "low" or "unknown" got nothing.
    const ports = run().stats.nodes.risk!.ports;
    expect(run().emails.length).toBe((ports.high ?? 0) + (ports.medium ?? 0));
    expect(run().stats.nodes.fine!.entered).toBe((ports.low ?? 0) + (ports.unknown ?? 0));
  });

  it('A/B tests the offer type among high-risk customers', () => {
    const high = run().stats.nodes.risk!.ports.high ?? 0;
    expect(high).toBeGreaterThan(0);
    const split = run().stats.nodes['offer-type']!;
    expect(split.entered).toBe(high);
    const { discount = 0, gift = 0 } = split.ports;
    expect(discount + gift).toBe(high);
    expect(run().emailsAt('discount')).toHaveLength(discount);
    expect(run().emailsAt('gift')).toHaveLength(gift);
    // Assignment is a fair coin: within about three standard deviations of half.
    expect(Math.abs(discount / high - 0.5)).toBeLessThan(3 * Math.sqrt(0.25 / high) + 0.01);
  });
});
