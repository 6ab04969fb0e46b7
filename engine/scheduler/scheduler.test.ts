import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import type { Engine } from '../executor/engine.ts';
import { Scheduler } from './scheduler.ts';

/** A stand-in engine: its event pass reports `work` batches, then idles; nothing is due or to deliver. */
function fakeEngine(work: number[]) {
  let ticks = 0;
  const engine = {
    async processEvents() {
      ticks++;
      return work.shift() ?? 0;
    },
    async processDue() {
      return 0;
    },
    async dispatchOutbox() {
      return 0;
    },
  } as unknown as Engine;
  return { engine, ticks: () => ticks };
}

let s: Scheduler | null = null;
afterEach(async () => {
  await s?.stop();
  s = null;
});

describe('Scheduler', () => {
  it('ticks back to back while there is work, sleeps when idle, and stops promptly', async () => {
    const f = fakeEngine([5, 5, 5]);
    s = new Scheduler({ engine: f.engine, clock: new VirtualClock(0), pollMs: 10_000 });
    s.start();
    await new Promise((r) => setTimeout(r, 50));
    // Three busy ticks and one idle one, then asleep for 10 s.
    expect(f.ticks()).toBe(4);
    const before = performance.now();
    await s.stop();
    expect(performance.now() - before).toBeLessThan(1000);
    expect(s.isRunning).toBe(false);
  });

  it('with a job clock, runs jobs on that clock\'s time: once per matching minute, missed minutes coalesced', async () => {
    const shop = new VirtualClock('2024-03-01T00:00:00Z');
    s = new Scheduler({ engine: fakeEngine([]).engine, clock: shop, jobClock: shop });
    const runs: string[] = [];
    s.schedule('segments.refresh', '*/15 * * * *', () => void runs.push(shop.now().toISOString()));
    await s.runDueJobs();
    expect(runs).toEqual([]);
    shop.set(Date.parse('2024-03-01T00:14:59Z'));
    await s.runDueJobs();
    expect(runs).toEqual([]);
    shop.set(Date.parse('2024-03-01T00:15:00Z'));
    await s.runDueJobs();
    await s.runDueJobs();
    expect(runs).toEqual(['2024-03-01T00:15:00.000Z']);
    // A 3,600× clock passes many 15-minute marks between polls: the job runs once, not once per mark.
    shop.set(Date.parse('2024-03-01T03:07:00Z'));
    await s.runDueJobs();
    expect(runs).toEqual(['2024-03-01T00:15:00.000Z', '2024-03-01T03:07:00.000Z']);
  });

  it('rejects an invalid cron expression naming the job', () => {
    s = new Scheduler({ engine: fakeEngine([]).engine, clock: new VirtualClock(0) });
    expect(() => s!.schedule('refit', 'every day', () => {})).toThrow(/refit/);
    s.schedule('refit', '0 3 * * *', () => {});
  });
});

describe('Scheduler and node-cron notices', () => {
  it('hands a missed firing to onNotice instead of printing a console warning', async () => {
    const notices: string[] = [];
    const printed: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void printed.push(args.join(' '));
    try {
      s = new Scheduler({ engine: fakeEngine([]).engine, clock: new VirtualClock(0), pollMs: 10_000, onNotice: (m, job) => void notices.push(`${job}: ${m}`) });
      s.schedule('every-second', '* * * * * *', () => {});
      s.start();
      // Hold the event loop past node-cron's 1 s tolerance, as a busy process does.
      const until = Date.now() + 2500;
      while (Date.now() < until);
      await expect.poll(() => notices.length, { timeout: 5000 }).toBeGreaterThan(0);
    } finally {
      console.warn = warn;
    }
    expect(notices[0]).toMatch(/^every-second: missed execution/);
    expect(printed.filter((p) => p.includes('NODE-CRON'))).toEqual([]);
  });
});
