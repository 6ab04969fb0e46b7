import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { VirtualClock, type Clock } from '../engine/core/clock.ts';
import { Engine } from '../engine/executor/engine.ts';
import { assertNoRejections, trackEvents } from '../engine/ingest/ingest.ts';
import { JourneyService } from '../engine/journeys.ts';
import { openSqlite } from '../engine/storage/sqlite/index.ts';
import { createWorkerParts } from '../engine/worker.ts';
import { builtinRegistry } from '../nodes/index.ts';
import type { BenchRow } from './engine.bench.ts';
import { fileBytes, quantile, RssPeak } from './measure.ts';

const DAY = 86_400_000;
/** Between two rates: the loop catches up, so one rate's backlog does not count against the next. */
const GAP_MS = 3_000;

/** The real clock shifted to a chosen instant: journey time advances in real time from there. */
class ShiftedClock implements Clock {
  private offset = 0;
  startAt(t: number): void {
    this.offset = t - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

export interface TimerSegment {
  rate: number;
  seconds: number;
}

/** Due times: each segment's timers spaced 1/rate apart, GAP_MS between segments; `parked` more due an hour later. */
function dueTimes(start: number, segments: TimerSegment[], parked: number): { due: Float64Array; bounds: number[] } {
  const fired = segments.reduce((n, s) => n + s.rate * s.seconds, 0);
  const due = new Float64Array(fired + parked);
  const bounds: number[] = [];
  let i = 0;
  let t = start;
  for (const s of segments) {
    for (let k = 0; k < s.rate * s.seconds; k++) due[i++] = t + (k * 1000) / s.rate;
    bounds.push(i);
    t += s.seconds * 1000 + GAP_MS;
  }
  for (let k = 0; i < due.length; k++) due[i++] = t + 3_600_000 + k;
  return { due, bounds };
}

/**
 * Timers at scale: `parked` + Σ rate × seconds runs wait in trigger → wait.delay(1d) → exit,
 * enrolled through the engine (its peak RSS and bytes per waiting run measured), their due
 * times laid out so that, once the serve loop (engine + scheduler, default poll) runs on a
 * clock advancing in real time, timers come due at each segment's rate in turn while all the
 * others keep waiting. Lateness of a fired timer = when its step committed − when it was due.
 */
export async function runTimersBench(opts: { segments: TimerSegment[]; parked: number; log?: (s: string) => void }): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-timerbench-'));
  const file = path.join(dir, 'bench.db');
  const storage = openSqlite(file);
  const registry = builtinRegistry();
  const rss = new RssPeak();
  const firstDue = Date.parse('2024-06-01T00:00:00Z');
  const { due, bounds } = dueTimes(firstDue, opts.segments, opts.parked);
  const total = due.length;
  const fired = bounds.at(-1)!;
  try {
    // Enrolment on a virtual clock: the journey is live before the first signup, and each wait is due a day after its signup happened.
    const enrolClock = new VirtualClock(firstDue - DAY - 60_000);
    await new JourneyService(storage, registry, enrolClock).deploy({
      id: 'timers',
      name: 'Timers',
      nodes: [
        { id: 'in', type: 'trigger.event', config: { event: 'signup' } },
        { id: 'wait', type: 'wait.delay', config: { duration: '1d' } },
        { id: 'out', type: 'flow.exit', config: {} },
      ],
      edges: [
        { id: 'e1', source: 'in', sourceHandle: 'next', target: 'wait' },
        { id: 'e2', source: 'wait', sourceHandle: 'next', target: 'out' },
      ],
    });
    enrolClock.set(due[total - 1]! - DAY + 1000);
    const enrolBytes0 = fileBytes(file);
    const enrolEngine = new Engine({ storage, registry, clock: enrolClock, batchSize: 5000 });
    rss.phase();
    const t0 = performance.now();
    for (let i = 0; i < total; i += 10_000) {
      const items = Array.from({ length: Math.min(10_000, total - i) }, (_, k) => ({ customerId: `c${i + k}`, type: 'signup', occurredAt: new Date(due[i + k]! - DAY).toISOString() }));
      assertNoRejections(await trackEvents(storage, enrolClock, items));
      while ((await enrolEngine.processEvents()) > 0);
      if ((i / 10_000) % 20 === 19) log(`timers: ${i + 10_000} enrolled`);
    }
    const enrolS = (performance.now() - t0) / 1000;
    const enrolRss = rss.phase();
    storage.raw.pragma('wal_checkpoint(TRUNCATE)');
    const waitingBytes = (fileBytes(file) - enrolBytes0) / total;
    const waiting = (await storage.runs.countByStatus('timers')).waiting ?? 0;
    if (waiting !== total) throw new Error(`expected ${total} runs waiting, got ${waiting}`);
    log(`timers: ${total} waiting after ${enrolS.toFixed(1)} s`);

    // When each run's wait step committed, on the serve clock (run ids are dense from 1).
    const clock = new ShiftedClock();
    const firedAt = new Float64Array(total + 1);
    let firedCount = 0;
    const commit = storage.runs.commit.bind(storage.runs);
    storage.runs.commit = async (units, now) => {
      const r = await commit(units, now);
      const at = clock.now().getTime();
      for (const u of units) for (const x of u.updates) if (x.expect.nodeId === 'wait' && x.run.id <= total) (firedAt[x.run.id] = at), firedCount++;
      return r;
    };
    const parts = createWorkerParts({ storage, registry, clock, log: pino({ level: 'silent' }) });
    clock.startAt(firstDue - 1000);
    parts.start();
    const deadline = Date.now() + (due[fired - 1]! - firstDue) + 120_000;
    try {
      while (firedCount < fired && Date.now() < deadline) await sleep(200);
    } finally {
      await parts.stop();
    }
    const timerRss = rss.phase();

    // Each fired run's due time, from its customer's signup (external id c<i> ↔ due[i]).
    const runs = storage.raw.prepare(`SELECT r.id, c.external_id FROM runs r JOIN customers c ON c.id = r.customer_id WHERE r.status = 'completed'`).raw().all() as [number, string][];
    const late: number[][] = bounds.map(() => []);
    for (const [id, ext] of runs) {
      const i = Number(ext.slice(1));
      const seg = bounds.findIndex((b) => i < b);
      if (seg >= 0) late[seg]!.push(firedAt[id]! - due[i]!);
    }
    const rows: BenchRow[] = [];
    let crossed: number | null = null;
    opts.segments.forEach((s, k) => {
      const l = late[k]!.sort((a, b) => a - b);
      const expected = s.rate * s.seconds;
      const p = (q: number) => quantile(l, q) / 1000;
      if (crossed === null && (p(0.99) > 1 || l.length < expected)) crossed = s.rate;
      rows.push({
        name: `timers due at ${s.rate.toLocaleString('en-US')}/s, ${(total - (k ? bounds[k - 1]! : 0)).toLocaleString('en-US')} waiting`,
        count: l.length,
        unit: 'timers',
        seconds: s.seconds,
        rate: s.rate,
        note: `lateness p50 ${p(0.5).toFixed(3)} s, p99 ${p(0.99).toFixed(3)} s, max ${p(1).toFixed(3)} s${l.length < expected ? `; only ${l.length} of ${expected} fired` : ''}`,
      });
    });
    rows.push({ name: `enrolment into the wait (engine API, ${total.toLocaleString('en-US')} runs)`, count: total, unit: 'runs', seconds: enrolS, rate: total / enrolS });
    const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;
    const notes = [
      `timers: p99 lateness ${crossed === null ? `stays under 1 s up to ${opts.segments.at(-1)!.rate.toLocaleString('en-US')}/s` : `crosses 1 s at ${(crossed as number).toLocaleString('en-US')}/s`}`,
      `memory: peak RSS ${mib(enrolRss)} while enrolling ${total.toLocaleString('en-US')} runs, ${mib(timerRss)} while the serve loop fired ${fired.toLocaleString('en-US')} timers (max RSS of the process ${mib(rss.max())})`,
      `storage: ${waitingBytes.toFixed(0)} bytes per waiting run (run, customer, its signup event, indexes; after a WAL checkpoint)`,
    ];
    return { rows, notes };
  } finally {
    rss.stop();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
