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

  it('rejects an invalid cron expression naming the job', () => {
    s = new Scheduler({ engine: fakeEngine([]).engine, clock: new VirtualClock(0) });
    expect(() => s!.schedule('refit', 'every day', () => {})).toThrow(/refit/);
    s.schedule('refit', '0 3 * * *', () => {});
  });
});
