import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../../engine/core/clock.ts';
import { Engine } from '../../engine/executor/engine.ts';
import { JourneyService } from '../../engine/journeys.ts';
import type { NodeRegistry } from '../../engine/plugin/registry.ts';
import { defaultProviders } from '../../engine/providers.ts';
import { openSqlite, type SqliteStorage } from '../../engine/storage/sqlite/index.ts';
import { builtinRegistry } from '../../nodes/index.ts';
import type { DemoStoreOptions } from './generate.ts';
import { loadDemoStore, type LoadSummary } from './load.ts';
import { replayFeed } from './replay.ts';

export interface StoreSimulationOptions {
  journey: unknown;
  /** The store; its `end` is where the simulation stops. */
  store: DemoStoreOptions;
  /** History before this instant is loaded as processed; the journey goes live here. */
  from: Date;
  registry?: NodeRegistry;
  /** Runs after history is loaded and before the journey goes live, e.g. fitting the models. */
  prepare?(storage: SqliteStorage, clock: VirtualClock): Promise<void>;
  /** Runs every simulated day while the store replays, e.g. the nightly scoring and segment refresh. */
  daily?(storage: SqliteStorage, clock: VirtualClock): Promise<void>;
}

/**
 * "What would this journey have done on the demo store?": loads the store's
 * history into a throwaway SQLite file, puts the journey live at `from`,
 * then replays the store's future through ingest on a virtual clock. Nothing
 * is delivered; the outbox shows what would have been sent. Call `close`.
 */
export async function simulateOnDemoStore(o: StoreSimulationOptions) {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-store-'));
  const storage = openSqlite(path.join(dir, 'store.db'));
  try {
    const clock = new VirtualClock(o.from);
    const registry = o.registry ?? builtinRegistry();
    const engine = new Engine({ storage, registry, clock, providers: defaultProviders(storage) });
    const journeys = new JourneyService(storage, registry, clock);
    const { summary, feed } = await loadDemoStore(storage, o.store, { historyUntil: o.from });
    await o.prepare?.(storage, clock);
    const { id } = await journeys.deploy(o.journey);
    const daily = o.daily;
    await replayFeed({ engine, storage, clock, feed, until: o.store.end, every: daily ? { ms: 86_400_000, run: () => daily(storage, clock) } : undefined });
    return {
      storage,
      clock,
      journeyId: id,
      summary: summary as LoadSummary,
      stats: await journeys.stats(id),
      async close() {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export type StoreSimulation = Awaited<ReturnType<typeof simulateOnDemoStore>>;
