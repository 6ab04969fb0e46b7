import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../nodes/index.ts';
import { SystemClock } from './core/clock.ts';
import { assertNoRejections, trackEvents } from './ingest/ingest.ts';
import { JourneyService } from './journeys.ts';
import { createLogger } from './ops/logger.ts';
import { openSqlite } from './storage/sqlite/index.ts';
import { createWorkerParts } from './worker.ts';

describe('worker timers', () => {
  it('an idle worker wakes for a waiting run when it comes due, not at its next poll', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'foresight-timers-'));
    const storage = openSqlite(path.join(dir, 'db.sqlite'));
    const clock = new SystemClock();
    const registry = builtinRegistry();
    try {
      await new JourneyService(storage, registry, clock).deploy({
        id: 'nudge',
        name: 'Nudge',
        nodes: [
          { id: 'start', type: 'trigger.event', config: { event: 'signup' } },
          { id: 'wait', type: 'wait.delay', config: { duration: '1s' } },
          { id: 'end', type: 'flow.exit', config: {} },
        ],
        edges: [
          { id: 'e1', source: 'start', sourceHandle: 'next', target: 'wait' },
          { id: 'e2', source: 'wait', sourceHandle: 'next', target: 'end' },
        ],
      });
      assertNoRejections(await trackEvents(storage, clock, [{ customerId: 'c1', type: 'signup' }]));
      // Polls once a minute: the first tick enrols the customer, then only the timer itself can wake the loop in time.
      const parts = createWorkerParts({ storage, registry, clock, log: createLogger({ level: 'silent' }), pollMs: 60_000 });
      parts.start();
      try {
        const customer = (await storage.customers.byExternalId('c1'))!;
        const status = async () => (await storage.runs.forCustomer(customer.id)).map((r) => r.status);
        for (let i = 0; i < 200 && (await status()).join() !== 'completed'; i++) await sleep(50);
        expect(await status()).toEqual(['completed']);
      } finally {
        await parts.stop();
      }
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
