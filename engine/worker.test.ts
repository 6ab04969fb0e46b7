import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { builtinRegistry } from '../nodes/index.ts';
import { SystemClock } from './core/clock.ts';
import { assertNoRejections, trackEvents } from './ingest/ingest.ts';
import { JourneyService } from './journeys.ts';
import { createLogger } from './ops/logger.ts';
import { openPostgres, type PostgresStorage } from './storage/postgres/index.ts';
import { createTestDatabase, pgSkipReason } from './testing/postgres.ts';
import { createWorkerParts } from './worker.ts';

const pgUrl = inject('pgUrl');
const skip = pgSkipReason(pgUrl);
if (skip) console.warn(`worker wake-up test skipped: ${skip}`);

describe.skipIf(skip !== null)('worker on PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  let api: PostgresStorage;
  let worker: PostgresStorage;
  beforeAll(async () => {
    db = await createTestDatabase(pgUrl!);
    api = await openPostgres(db.url);
    worker = await openPostgres(db.url);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  it('an idle worker acts on an event stored by another process at once, not at its next poll', async () => {
    const clock = new SystemClock();
    const registry = builtinRegistry();
    await new JourneyService(api, registry, clock).deploy({
      id: 'hello',
      name: 'Hello',
      nodes: [
        { id: 'start', type: 'trigger.event', config: { event: 'signup' } },
        { id: 'end', type: 'flow.exit', config: {} },
      ],
      edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'end' }],
    });
    // Polls only once a minute: only a notification can make it act within the test.
    const parts = createWorkerParts({ storage: worker, registry, clock, log: createLogger({ level: 'silent' }), pollMs: 60_000 });
    parts.start();
    try {
      // Let the worker go idle (its first tick finds nothing) and its listener connect.
      await new Promise((r) => setTimeout(r, 1000));
      assertNoRejections(await trackEvents(api, clock, [{ customerId: 'c1', type: 'signup' }]));
      const customer = (await api.customers.byExternalId('c1'))!;
      for (let i = 0; i < 100 && (await api.runs.forCustomer(customer.id)).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await api.runs.forCustomer(customer.id)).map((r) => r.status)).toEqual(['completed']);
    } finally {
      await parts.stop();
    }
  });
});
