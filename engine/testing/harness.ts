import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { VirtualClock } from '../core/clock.ts';
import { parseDuration } from '../core/duration.ts';
import { Engine } from '../executor/engine.ts';
import type { ServiceProviders } from '../executor/services.ts';
import { identifyCustomers, recordOrders, trackEvents, assertNoRejections } from '../ingest/ingest.ts';
import type { IdentifyInput, OrderInputExternal, TrackInput } from '../ingest/schemas.ts';
import { JourneyService } from '../journeys.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import { openSqlite, type SqliteStorage } from '../storage/sqlite/index.ts';
import type { Storage } from '../storage/types.ts';
import { builtinRegistry } from '../../nodes/index.ts';

/** Clock moves one `advance` may take: far more than any test needs, few enough to fail fast. */
const MAX_ADVANCE_STEPS = 100_000;

/**
 * A real engine on a real SQLite file in a temp folder, driven by a virtual
 * clock. For tests of the engine, of nodes, and of plugin authors' nodes.
 *
 * @example
 * const h = createHarness({ start: '2024-01-01T00:00:00Z' });
 * await h.journeys.deploy(journey);
 * await h.track([{ customerId: 'c1', type: 'signup' }]);
 * await h.advance('3d');
 */
export function createHarness<S extends Storage = SqliteStorage>(
  opts: {
    start?: string;
    registry?: NodeRegistry;
    providers?: ServiceProviders;
    file?: string;
    allowedLatenessMs?: number;
    /** Another backend (e.g. a test PostgreSQL, see backends.ts) instead of the SQLite file. */
    storage?: S;
    /** Replaces closing the storage on `close()` (e.g. also drops the test database). */
    cleanup?: () => Promise<void>;
  } = {},
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-test-'));
  const file = opts.file ?? path.join(dir, 'foresight.db');
  const storage = opts.storage ?? (openSqlite(file) as Storage as S);
  const clock = new VirtualClock(opts.start ?? '2024-01-01T00:00:00Z');
  const registry = opts.registry ?? builtinRegistry();
  const engine = new Engine({ storage, registry, clock, providers: opts.providers, allowedLatenessMs: opts.allowedLatenessMs });
  const journeys = new JourneyService(storage, registry, clock);

  const h = {
    dir,
    file,
    storage,
    clock,
    registry,
    engine,
    journeys,
    async track(items: TrackInput[]) {
      const r = await trackEvents(storage, clock, items);
      assertNoRejections(r);
      await engine.runUntilIdle();
      return r;
    },
    async identify(items: IdentifyInput[]) {
      const r = await identifyCustomers(storage, clock, items);
      assertNoRejections(r);
      return r;
    },
    async orders(items: OrderInputExternal[]) {
      const r = await recordOrders(storage, clock, items);
      assertNoRejections(r);
      await engine.runUntilIdle();
      return r;
    },
    /**
     * Moves virtual time forward, waking every run due on the way, in order.
     * Each step moves the clock forward or ends the call, and yields to the
     * event loop, so work this engine cannot claim (a run leased by another
     * worker, say) waits for its lease instead of spinning.
     */
    async advance(by: string | number) {
      const end = clock.now().getTime() + (typeof by === 'string' ? parseDuration(by) : by);
      for (let step = 0; ; step++) {
        if (step >= MAX_ADVANCE_STEPS) throw new Error(`advance: still busy after ${MAX_ADVANCE_STEPS} steps at ${clock.now().toISOString()}; is a journey looping without waiting?`);
        await engine.runUntilIdle();
        await setImmediate();
        const next = await storage.runs.nextWakeAt();
        const nextSend = await storage.outbox.nextAttemptAt();
        const now = clock.now().getTime();
        // Anything still due now is beyond this engine's reach; only a later time can change that.
        const t = Math.min(...[next, nextSend].filter((x): x is number => x !== null && x > now));
        if (t > end) break;
        clock.set(t);
      }
      clock.set(end);
      await engine.runUntilIdle();
    },
    async customerId(externalId: string): Promise<number> {
      const c = await storage.customers.byExternalId(externalId);
      if (!c) throw new Error(`no customer ${externalId}`);
      return c.id;
    },
    async runsOf(externalId: string) {
      return storage.runs.forCustomer(await h.customerId(externalId));
    },
    async close() {
      await (opts.cleanup ?? (() => storage.close()))();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

export type Harness<S extends Storage = SqliteStorage> = ReturnType<typeof createHarness<S>>;
