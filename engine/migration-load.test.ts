import { setImmediate } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { Engine } from './executor/engine.ts';
import { trackEvents } from './ingest/ingest.ts';
import { migrateJourney } from './migration.ts';
import { eachBackend } from './testing/backends.ts';

// Thousands of runs wait; some are due and a second worker is moving them while the migration
// runs. Every run must end exactly once, on the version it was on when it left its wait.

const T0 = Date.parse('2024-03-01T10:00:00Z');
const journey = (version: string) => ({
  id: 'welcome',
  name: 'Welcome',
  nodes: [
    { id: 't', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'w', type: 'wait.delay', config: { duration: '1h' } },
    { id: 'x', type: 'flow.exit', config: { reason: version } },
  ],
  edges: [
    { id: 'e1', source: 't', sourceHandle: 'next', target: 'w' },
    { id: 'e2', source: 'w', sourceHandle: 'next', target: 'x' },
  ],
});

eachBackend('migration while a worker runs', (b) => {
  const N = b.name === 'sqlite' ? 10_000 : 2_000;
  it(`moves ${N.toLocaleString('en')} waiting runs: none lost, none advanced twice`, { timeout: 300_000 }, async () => {
    const h = await b.harness({ start: new Date(T0).toISOString() });
    try {
      await h.journeys.deploy(journey('v1'));
      // Ten cohorts a minute apart: their waits end between 11:00 and 11:09.
      for (let c = 0; c < 10; c++) {
        await trackEvents(h.storage, h.clock, Array.from({ length: N / 10 }, (_, i) => ({ customerId: `c${c}-${i}`, type: 'signup' })));
        await h.engine.runUntilIdle({ deliver: false });
        h.clock.set(T0 + (c + 1) * 60_000);
      }
      expect(await h.storage.runMoves.waiting('welcome', 1)).toEqual([{ nodeId: 'w', count: N }]);
      await h.journeys.deploy(journey('v2'));

      // 11:05: about half are due. The worker takes a first batch before the migration starts, then keeps going during it.
      h.clock.set(T0 + 65 * 60_000);
      const worker = new Engine({ storage: h.storage, registry: h.registry, clock: h.clock, workerId: 'worker-2' });
      expect(await worker.processDue()).toBeGreaterThan(0);
      let stop = false;
      const working = (async () => {
        while (!stop) {
          await worker.runUntilIdle({ deliver: false });
          await setImmediate();
        }
      })();
      const result = await migrateJourney(h.storage, h.clock, 'welcome', {});
      stop = true;
      await working;
      await h.advance('2h');

      expect(result.moved).toBeGreaterThan(0);
      expect(await h.storage.runs.countByStatus('welcome')).toEqual({ completed: N });
      const ends: Record<string, number> = {};
      for (let c = 0; c < 10; c++) {
        for (let i = 0; i < N / 10; i++) {
          const [run, ...more] = await h.runsOf(`c${c}-${i}`);
          expect(more).toEqual([]);
          const steps = await h.storage.runs.history(run!.id);
          const left = steps.filter((s) => s.nodeId === 'w' && s.kind === 'port');
          const migrated = steps.filter((s) => s.kind === 'migrate');
          const exits = steps.filter((s) => s.kind === 'exit');
          // One way out of the wait, one exit, at most one migration, and the exit of the version it left from.
          expect([left.length, exits.length, migrated.length <= 1]).toEqual([1, 1, true]);
          expect(run!.endReason).toBe(migrated.length ? 'v2' : 'v1');
          ends[run!.endReason!] = (ends[run!.endReason!] ?? 0) + 1;
        }
      }
      // Both happened: runs the worker moved first stayed on v1, the rest went through v2.
      expect(ends.v1).toBeGreaterThan(0);
      expect(ends.v2).toBe(result.moved);
      expect(ends.v1! + ends.v2!).toBe(N);
      const exits = (await h.storage.runs.counters('welcome')).filter((c) => c.nodeId === 'x' && c.key === 'exit').reduce((n, c) => n + c.count, 0);
      expect(exits).toBe(N);
    } finally {
      await h.close();
    }
  });
});
