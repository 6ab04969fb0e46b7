import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { VirtualClock } from '../engine/core/clock.ts';
import { Engine } from '../engine/executor/engine.ts';
import { assertNoRejections, trackEvents } from '../engine/ingest/ingest.ts';
import { pruneExpired } from '../engine/jobs/retention.ts';
import { JourneyService } from '../engine/journeys.ts';
import { openSqlite } from '../engine/storage/sqlite/index.ts';
import { builtinRegistry } from '../nodes/index.ts';
import { fiveNodeJourney, type BenchRow } from './engine.bench.ts';

const DAY = 86_400_000;
const MiB = 1048576;

/**
 * Storage per customer and per day: a steady shop where `perDay` new customers sign up each
 * day into the 5-node journey (trigger → condition → wait 1d → condition → exit), so each day
 * `perDay` runs enter and `perDay` complete. Measures the database bytes per waiting run and
 * per completed run with its history, the growth per day with retention off and then on
 * (`retentionDays`), whether the pages retention frees are reused, the WAL's size before each
 * checkpoint, and what VACUUM gives back.
 */
export async function runStorageBench(opts: { perDay: number; days: number; retentionDays: number }): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-storagebench-'));
  const file = path.join(dir, 'bench.db');
  const storage = openSqlite(file);
  const db = storage.raw;
  const clock = new VirtualClock('2024-01-01T00:00:00Z');
  const registry = builtinRegistry();
  const engine = new Engine({ storage, registry, clock, batchSize: 5000 });
  const size = () => statSync(file).size;
  const walSize = () => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  const pages = () => ({ free: db.pragma('freelist_count', { simple: true }) as number, total: db.pragma('page_count', { simple: true }) as number });
  let maxWal = 0;
  const checkpoint = () => {
    maxWal = Math.max(maxWal, walSize());
    db.pragma('wal_checkpoint(TRUNCATE)');
    return size();
  };
  const signUp = async (day: number) => {
    for (let i = 0; i < opts.perDay; i += 10_000) {
      const n = Math.min(10_000, opts.perDay - i);
      assertNoRejections(await trackEvents(storage, clock, Array.from({ length: n }, (_, k) => ({ customerId: `d${day}c${i + k}`, type: 'signup' }))));
    }
    while ((await engine.processEvents()) > 0);
  };
  const nextDay = async () => {
    clock.advance(DAY);
    while ((await engine.processDue()) > 0);
  };
  try {
    await new JourneyService(storage, registry, clock).deploy(fiveNodeJourney);
    const empty = checkpoint();
    await signUp(0);
    const waiting = checkpoint();
    await nextDay();
    const completed = checkpoint();
    const perWaiting = (waiting - empty) / opts.perDay;
    const perCompleted = (completed - empty) / opts.perDay;

    // Steady days: retention off for the first ones, then on.
    const daily: { day: number; bytes: number; free: number; pruned: boolean }[] = [];
    const t0 = performance.now();
    let pruneMs = 0;
    for (let day = 1; day <= opts.days; day++) {
      await signUp(day);
      await nextDay();
      const pruned = day > opts.days / 2;
      if (pruned) {
        const p0 = performance.now();
        await pruneExpired(storage, clock, opts.retentionDays * DAY);
        pruneMs += performance.now() - p0;
      }
      daily.push({ day, bytes: checkpoint(), free: pages().free, pruned });
    }
    const steadyS = (performance.now() - t0) / 1000;
    const grow = (a: number, b: number) => (daily[b]!.bytes - daily[a]!.bytes) / (b - a);
    const half = Math.floor(opts.days / 2);
    const growthOff = grow(0, half - 1);
    const growthOn = grow(half + 1, opts.days - 1);
    const beforeVacuum = { bytes: size(), ...pages() };
    const v0 = performance.now();
    db.exec('VACUUM');
    const vacuumS = (performance.now() - v0) / 1000;
    const steadyWal = maxWal;
    const afterVacuum = checkpoint();

    const per = (b: number) => `${(b / opts.perDay).toFixed(0)} bytes per customer-day`;
    const rows: BenchRow[] = [
      { name: `steady journey: ${opts.days} days × ${opts.perDay.toLocaleString('en-US')} customers (enter and complete)`, count: opts.days * opts.perDay, unit: 'runs', seconds: steadyS, rate: (opts.days * opts.perDay) / steadyS },
      { name: `  retention pass (age ${opts.retentionDays} d), all days`, count: 0, unit: '', seconds: pruneMs / 1000, rate: 0 },
    ];
    const notes = [
      `storage: ${perWaiting.toFixed(0)} bytes per waiting run, ${perCompleted.toFixed(0)} per completed run with its history (both with the customer and the signup event; after a WAL checkpoint)`,
      `storage: growth per day of the steady journey ${(growthOff / MiB).toFixed(1)} MiB without retention (${per(growthOff)}), ${(growthOn / MiB).toFixed(1)} MiB once retention (${opts.retentionDays} d) prunes (${per(growthOn)}: customers and runs stay)`,
      `storage: file by day ${daily.map((d) => `${d.day}${d.pruned ? '*' : ''}: ${(d.bytes / MiB).toFixed(1)} MiB (${d.free} free pages)`).join(', ')} (* = after a retention pass); freed pages are reused by the next day's rows, the file does not shrink`,
      `storage: VACUUM of ${(beforeVacuum.bytes / MiB).toFixed(1)} MiB (${beforeVacuum.free} of ${beforeVacuum.total} pages free) took ${vacuumS.toFixed(1)} s and left ${(afterVacuum / MiB).toFixed(1)} MiB (its WAL: ${(maxWal / MiB).toFixed(1)} MiB, the whole database); on the steady days the WAL reached ${(steadyWal / MiB).toFixed(1)} MiB at most between checkpoints (SQLite checkpoints at 1,000 pages, but a batch's transaction can outgrow that)`,
    ];
    return { rows, notes };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
