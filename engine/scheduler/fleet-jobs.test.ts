import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SystemClock } from '../core/clock.ts';
import type { Engine } from '../executor/engine.ts';
import { openPostgres, type PostgresStorage } from '../storage/postgres/index.ts';
import { createTestDatabase, pgSkipReason } from '../testing/postgres.ts';
import { Scheduler } from './scheduler.ts';

const idle = { tick: async () => 0 } as unknown as Engine;
const pgUrl = inject('pgUrl');
const skip = pgSkipReason(pgUrl);
if (skip) console.warn(`recurring jobs across workers skipped: ${skip}`);

describe.skipIf(skip !== null)('recurring jobs across a fleet of workers on PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  const storages: PostgresStorage[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(pgUrl!);
    // Four workers: four storages, each with its own connections, as four processes would have.
    for (let i = 0; i < 4; i++) storages.push(await openPostgres(db.url));
  });
  afterAll(async () => {
    for (const s of storages) await s.close();
    await db?.drop();
  });

  it('a job on a schedule runs once per firing, whichever of the 4 workers claims it', async () => {
    const runs: { worker: number; at: number }[] = [];
    const schedulers = storages.map((storage, worker) => {
      const s = new Scheduler({ engine: idle, clock: new SystemClock(), pollMs: 60_000, claimJob: (name, slot) => storage.jobLeases.claim(name, slot, `w${worker}`, Date.now()) });
      // Every second rather than every minute, so the test takes seconds: the claim is per scheduled slot either way.
      s.schedule('report', '* * * * * *', () => {
        runs.push({ worker, at: Math.floor(Date.now() / 1000) });
      });
      return s;
    });
    for (const s of schedulers) s.start();
    await new Promise((r) => setTimeout(r, 4_500));
    for (const s of schedulers) await s.stop();

    const seconds = runs.map((r) => r.at);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // Once per firing: no second ran twice (without the claim, each would run 4 times).
    expect(new Set(seconds).size).toBe(runs.length);
  });

  it('claims a firing for one caller only, and only forward in time', async () => {
    const [a, b] = storages;
    expect(await a!.jobLeases.claim('nightly', 1000, 'a', 1)).toBe(true);
    expect(await b!.jobLeases.claim('nightly', 1000, 'b', 2)).toBe(false);
    expect(await b!.jobLeases.claim('nightly', 500, 'b', 2)).toBe(false);
    expect(await b!.jobLeases.claim('nightly', 2000, 'b', 3)).toBe(true);
    expect(await a!.jobLeases.claim('other', 1000, 'a', 3)).toBe(true);
  });
});
