import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { SystemClock } from '../engine/core/clock.ts';
import { trackEvents } from '../engine/ingest/ingest.ts';
import { JourneyService } from '../engine/journeys.ts';
import { openSqlite } from '../engine/storage/sqlite/index.ts';
import { createWorkerParts } from '../engine/worker.ts';
import { builtinRegistry } from '../nodes/index.ts';
import type { BenchRow } from './engine.bench.ts';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;
const fileBytes = (file: string) => ['', '-wal'].reduce((n, s) => n + (statSync(file + s, { throwIfNoEntry: false })?.size ?? 0), 0);

/**
 * Timers on the real clock: customers enrol at `rate`/s for `windowS` seconds into
 * trigger → wait.delay(`delayS`) → exit while the serve loop (engine, scheduler,
 * default poll) runs, so their timers come due at `rate`/s with about
 * rate × delayS runs waiting, and enrolment keeps competing with the timers.
 * Lateness of each fired wait = when it fired (its history row) − when it was due (signup + delay).
 */
export async function runTimersBench(opts: { rates: number[]; windowS: number; delayS: number }): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  for (const rate of opts.rates) {
    const dir = mkdtempSync(path.join(tmpdir(), 'foresight-timerbench-'));
    const file = path.join(dir, 'bench.db');
    const storage = openSqlite(file);
    const clock = new SystemClock();
    const registry = builtinRegistry();
    await new JourneyService(storage, registry, clock).deploy({
      id: 'timers',
      name: 'Timers',
      settings: { reentry: 'always' },
      nodes: [
        { id: 'in', type: 'trigger.event', config: { event: 'signup' } },
        { id: 'wait', type: 'wait.delay', config: { duration: `${opts.delayS}s` } },
        { id: 'out', type: 'flow.exit', config: {} },
      ],
      edges: [
        { id: 'e1', source: 'in', sourceHandle: 'next', target: 'wait' },
        { id: 'e2', source: 'wait', sourceHandle: 'next', target: 'out' },
      ],
    });
    const parts = createWorkerParts({ storage, registry, clock, log: pino({ level: 'silent' }) });
    parts.start();
    const total = rate * opts.windowS;
    let maxWaiting = 0;
    try {
      // Enrol in slices of 100 ms, on schedule; a slice that falls behind is sent at once.
      const start = Date.now();
      for (let slice = 0, sent = 0; sent < total; slice++) {
        const n = Math.min(rate / 10, total - sent);
        await trackEvents(storage, clock, Array.from({ length: n }, (_, i) => ({ customerId: `c${sent + i}`, type: 'signup' })));
        sent += n;
        await sleep(Math.max(0, start + (slice + 1) * 100 - Date.now()));
      }
      const enrolRss = peakRssMiB();
      const enrolBytes = fileBytes(file);
      for (;;) {
        const s = await storage.runs.countByStatus('timers');
        maxWaiting = Math.max(maxWaiting, s.waiting ?? 0);
        if ((s.completed ?? 0) >= total) break;
        await sleep(200);
      }
      // Journeys run on event time: each wait is due `delayS` after its signup happened.
      const lateness = storage.raw
        .prepare(
          `SELECT h.at - e.occurred_at - ? FROM run_history h JOIN runs r ON r.id = h.run_id JOIN events e ON e.customer_id = r.customer_id
           WHERE h.node_id = 'wait' AND h.kind = 'port' ORDER BY 1`,
        )
        .pluck()
        .all(opts.delayS * 1000) as number[];
      const p = (q: number) => (quantile(lateness, q) / 1000).toFixed(3);
      rows.push({
        name: `timers due at ${rate.toLocaleString('en-US')}/s (≈${maxWaiting.toLocaleString('en-US')} waiting at peak)`,
        count: lateness.length,
        unit: 'timers',
        seconds: 0,
        rate,
        note: `lateness p50 ${p(0.5)} s, p99 ${p(0.99)} s, max ${p(1)} s`,
      });
      notes.push(`${rate}/s: peak RSS ${enrolRss.toFixed(0)} MiB after enrolment, ${peakRssMiB().toFixed(0)} MiB after the timers; database ${(enrolBytes / total).toFixed(0)} bytes per run just after enrolment (most waiting, with their signup event), ${(fileBytes(file) / total).toFixed(0)} per completed run with its history (WAL included; peak RSS is the process's high-water mark so far)`);
    } finally {
      await parts.stop();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { rows, notes };
}
