import type { VirtualClock } from '../../engine/core/clock.ts';
import type { Engine } from '../../engine/executor/engine.ts';
import type { Storage } from '../../engine/storage/types.ts';
import type { DemoFeed } from './load.ts';

export interface ReplayOptions {
  engine: Engine;
  storage: Storage;
  clock: VirtualClock;
  feed: DemoFeed;
  until: Date;
  /** Feed items this close together are ingested in one step (each seen by the engine at most this late). Default 15 minutes. */
  resolutionMs?: number;
  /** Deliver the outbox (false in simulations: nothing leaves the machine). */
  deliver?: boolean;
  /** A recurring job on the virtual clock (e.g. the nightly scoring and segment refresh), first run one period after the start. */
  every?: { ms: number; run(): Promise<void> };
}

/**
 * Runs the store's future through the engine on a virtual clock: feed items
 * are ingested as the clock reaches them and waiting runs wake when due, in
 * time order, so a journey sees the store as if it had been live.
 */
export async function replayFeed(o: ReplayOptions): Promise<void> {
  const until = o.until.getTime();
  const resolution = o.resolutionMs ?? 900_000;
  const deliver = o.deliver ?? false;
  let nextJob = o.every ? o.clock.now().getTime() + o.every.ms : Infinity;
  await o.engine.runUntilIdle({ deliver });
  for (;;) {
    const due = (await o.storage.runs.nextWakeAt()) ?? Infinity;
    // A run reported due at or before "now" is one the engine declined to move: never spin on it.
    const wake = Math.min(due <= o.clock.now().getTime() ? Infinity : due, nextJob);
    const next = Math.min(o.feed.nextAt() ?? Infinity, wake);
    if (next > until) break;
    if (next === nextJob) {
      o.clock.set(next);
      await o.every!.run();
      nextJob += o.every!.ms;
      await o.engine.runUntilIdle({ deliver });
      continue;
    }
    // Never ingest past the next wake-up, so runs wake exactly on time.
    const stepEnd = Math.min(next + resolution, wake, until);
    // The clock stands at the last ingested item, so no event is processed before it happened.
    o.clock.set(next);
    if (await o.feed.ingestUntil(o.storage, o.clock, stepEnd)) o.clock.set(o.feed.lastIngestedAt!);
    await o.engine.runUntilIdle({ deliver });
  }
  o.clock.set(until);
  await o.engine.runUntilIdle({ deliver });
}
