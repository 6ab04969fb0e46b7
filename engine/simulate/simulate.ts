import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../core/clock.ts';
import { parseDuration } from '../core/duration.ts';
import { ForesightError } from '../core/errors.ts';
import { Engine } from '../executor/engine.ts';
import { collectCsv, customersCsv, eventsCsv, ordersCsv, type RowError } from '../ingest/csv.ts';
import { identifyCustomers, recordOrders, trackEvents } from '../ingest/ingest.ts';
import type { identifySchema, orderSchema, trackSchema } from '../ingest/schemas.ts';
import { emitAnniversaries } from '../jobs/anniversaries.ts';
import { refreshSegments } from '../jobs/segment-refresh.ts';
import { JourneyService } from '../journeys.ts';
import { runScoringJob } from '../models/job.ts';
import type { RunMode } from '../plugin/define-node.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import { defaultProviders } from '../providers.ts';
import { SegmentService } from '../segments/index.ts';
import { openSqlite } from '../storage/sqlite/index.ts';
import { readsModels } from './reads-models.ts';
import type { z } from 'zod';

export interface SimulateOptions {
  journey: unknown;
  registry: NodeRegistry;
  customers?: string;
  events?: string;
  orders?: string;
  from: Date;
  to: Date;
  /** Called for every skipped CSV row, as soon as its file is read. */
  onRowError?: (e: RowError) => void;
  /** Saved segments the journey refers to (condition.segment, trigger.segment). */
  segments?: SimulatedSegment[];
  /**
   * Model scores as the models job would have stored them (condition.propensity, segment score conditions).
   * Without them, a journey that reads scores gets them from the scoring job itself, run on the virtual
   * clock at the start and then daily, as the nightly job would have.
   */
  scores?: SimulatedScore[];
  /** How often the scheduled jobs run in virtual time (durations); see {@link JobIntervals}. */
  jobs?: JobIntervals;
  /** Called as replayed rows are done (rows done, rows in the period). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Intervals of the scheduled jobs replayed in virtual time. Segments are also
 * re-checked at once for each customer whose events or orders arrive, so the
 * periodic refresh only catches changes that come from time passing.
 */
export interface JobIntervals {
  /** Default 1d. */
  segmentRefresh?: string;
  /** Default 1h: the job must run within each customer's local day. */
  anniversaries?: string;
  /** Default 1d: the models job, for journeys that read scores (see {@link readsModels}). */
  scoring?: string;
}

export interface SimulatedSegment {
  name: string;
  definition: unknown;
}

export interface SimulatedScore {
  /** The customer's external id. */
  customerId: string;
  model: string;
  value: number | null;
  data?: Record<string, unknown>;
}

export interface NodeCounts {
  entered: number;
  ports: Record<string, number>;
  waiting: number;
}

export interface SimulationResult {
  nodes: Record<string, NodeCounts>;
  converted: number;
  messages: number;
}

export interface SimulationReport {
  result: SimulationResult;
  /** Skipped rows per file. */
  skipped: Record<string, number>;
  /** Rows used as history (before `from`), replayed (in range) and ignored (after `to`). */
  rows: { history: number; replayed: number; ignored: number };
  /** Runs of the scoring job on the virtual clock (0 when the journey reads no scores or they were given), and why models could not be fitted, if so. */
  scoring: { runs: number; skipped?: string };
}

type Track = z.output<typeof trackSchema>;
type Order = z.output<typeof orderSchema>;
type Identify = z.output<typeof identifySchema>;

type Item = { at: number; kind: 'event'; value: Track } | { at: number; kind: 'order'; value: Order };

/**
 * Replays historical data through a journey on a throwaway SQLite file and a
 * virtual clock, without delivering anything: "what would this journey have
 * done between `from` and `to`?". Data before `from` is loaded as already
 * processed history, so it shapes profiles but enrolls nobody.
 */
export async function simulate(opts: SimulateOptions): Promise<SimulationReport> {
  const skipped: Record<string, number> = {};
  const read = async <T>(file: string | undefined, format: Parameters<typeof collectCsv>[1]): Promise<{ line: number; value: T }[]> => {
    if (!file) return [];
    const { items, errors } = await collectCsv(file, format);
    skipped[file] = errors.length;
    for (const e of errors) opts.onRowError?.(e);
    return items as { line: number; value: T }[];
  };
  const customers = await read<Identify>(opts.customers, customersCsv);
  const events = await read<Track>(opts.events, eventsCsv);
  const orders = await read<Order>(opts.orders, ordersCsv);
  const replayed = await replay({
    journey: opts.journey,
    registry: opts.registry,
    customers: customers.map((c) => c.value),
    events: events.map((e) => e.value),
    orders: orders.map((o) => o.value),
    from: opts.from,
    to: opts.to,
    segments: opts.segments,
    scores: opts.scores,
    jobs: opts.jobs,
    onProgress: opts.onProgress,
  });
  return { ...replayed, skipped };
}

export interface ReplayInput {
  journey: unknown;
  registry: NodeRegistry;
  customers: Identify[];
  /** Each event needs its `occurredAt`. */
  events: Track[];
  orders: Order[];
  from: Date;
  to: Date;
  segments?: SimulatedSegment[];
  scores?: SimulatedScore[];
  jobs?: JobIntervals;
  /** Called as replayed rows are done (rows done, rows in the period); may throw to stop the replay. */
  onProgress?: (done: number, total: number) => void;
  /** What nodes see as `ctx.mode` (default `simulate`). */
  mode?: RunMode;
}

/** The replay behind `simulate`, on data already in memory (e.g. a backtest on stored data). */
export async function replay(opts: ReplayInput): Promise<Omit<SimulationReport, 'skipped'>> {
  const from = opts.from.getTime();
  const to = opts.to.getTime();
  if (!(to >= from)) throw new ForesightError('invalid_input', '--to: must not be before --from', { field: 'to' });
  const { customers, events, orders } = opts;
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-sim-'));
  const storage = openSqlite(path.join(dir, 'sim.db'));
  try {
    // The earliest history row, so customers "exist" before their first purchase.
    let start = from;
    for (const e of events) start = Math.min(start, e.occurredAt!.getTime());
    for (const o of orders) start = Math.min(start, o.orderedAt.getTime());
    const clock = new VirtualClock(start);
    const engine = new Engine({ storage, registry: opts.registry, clock, providers: defaultProviders(storage), mode: opts.mode ?? 'simulate' });
    const journeys = new JourneyService(storage, opts.registry, clock);

    // Customers carry no time: their profiles are known from the start.
    await identifyCustomers(storage, clock, customers);

    const rows = { history: 0, replayed: 0, ignored: 0 };
    const items: Item[] = [];
    const historyEvents: Track[] = [];
    const historyOrders: Order[] = [];
    for (const e of events) {
      const at = e.occurredAt!.getTime();
      if (at < from) historyEvents.push(e);
      else if (at <= to) items.push({ at, kind: 'event', value: e });
      else rows.ignored++;
    }
    for (const o of orders) {
      const at = o.orderedAt.getTime();
      if (at < from) historyOrders.push(o);
      else if (at <= to) items.push({ at, kind: 'order', value: o });
      else rows.ignored++;
    }
    rows.history = historyEvents.length + historyOrders.length;
    rows.replayed = items.length;
    await loadHistory(storage, clock.now().getTime(), historyEvents, historyOrders);
    await loadSegmentsAndScores(storage, clock.now(), opts.segments ?? [], opts.scores ?? []);

    // Deploy only after history is in, so history cannot enroll anyone.
    clock.set(from);
    const scoring: SimulationReport['scoring'] = { runs: 0 };
    const score = async () => {
      const report = await runScoringJob(storage, clock);
      scoring.runs++;
      if (report.skipped) scoring.skipped = report.skipped;
      else delete scoring.skipped;
    };
    const scores = !opts.scores?.length && readsModels(opts.journey, opts.segments ?? []);
    if (scores) await score();
    const segments = triggerSegments(opts.journey);
    if (segments.length) {
      // Who is in the segments at the start is known before the journey goes live: only later entries enroll.
      await refreshSegments(storage, clock, { names: segments });
      await engine.runUntilIdle({ deliver: false });
    }
    const { id } = await journeys.deploy(opts.journey);

    // Stable sort: same-time rows keep file order (events before orders).
    items.sort((a, b) => a.at - b.at);
    const jobs: VirtualJob[] = [];
    const every = (text: string | undefined, fallback: string, field: string) => parseDuration(text ?? fallback, `jobs.${field}`);
    // Before the segment refresh, so a refresh at the same instant sees the new scores.
    if (scores) jobs.push(virtualJob(from, every(opts.jobs?.scoring, '1d', 'scoring'), score));
    if (segments.length) jobs.push(virtualJob(from, every(opts.jobs?.segmentRefresh, '1d', 'segmentRefresh'), () => refreshSegments(storage, clock, { names: segments })));
    if ((opts.journey as { nodes?: { type?: unknown }[] }).nodes?.some((n) => n.type === 'trigger.date')) {
      const job = virtualJob(from, every(opts.jobs?.anniversaries, '1h', 'anniversaries'), () => emitAnniversaries(storage, clock, opts.registry));
      await job.run(); // today's anniversaries are due from the start
      jobs.push(job);
    }
    const wakeBefore = async (limit: number, inclusive: boolean) => {
      for (;;) {
        const wake = await storage.runs.nextWakeAt();
        // Everything due at or before "now" was handled by the last runUntilIdle; a
        // run still reported due is one the engine declines to move: never spin on it.
        const nextWake = wake !== null && wake > clock.now().getTime() ? wake : Infinity;
        const next = Math.min(nextWake, ...jobs.map((j) => j.next));
        if (next === Infinity || next > limit || (!inclusive && next === limit)) return;
        clock.set(next);
        for (const j of jobs) {
          if (j.next !== next) continue;
          j.next += j.every;
          await j.run();
        }
        await engine.runUntilIdle({ deliver: false });
      }
    };
    await engine.runUntilIdle({ deliver: false });

    for (let i = 0; i < items.length; ) {
      const at = items[i]!.at;
      let j = i;
      while (j < items.length && items[j]!.at === at) j++;
      const group = items.slice(i, j);
      i = j;
      await wakeBefore(at, false);
      clock.set(at);
      const evs = group.flatMap((g) => (g.kind === 'event' ? [g.value] : []));
      const ords = group.flatMap((g) => (g.kind === 'order' ? [g.value] : []));
      if (evs.length) await trackEvents(storage, clock, evs);
      if (ords.length) await recordOrders(storage, clock, ords);
      await engine.runUntilIdle({ deliver: false });
      // New events can change segment membership: re-check just these customers at once.
      if (segments.length) {
        const ids = await storage.customers.resolve([...new Set(group.map((g) => g.value.customerId))], at, false);
        await refreshSegments(storage, clock, { names: segments, customerIds: [...ids.values()] });
        await engine.runUntilIdle({ deliver: false });
      }
      opts.onProgress?.(i, items.length);
    }
    await wakeBefore(to, true);
    clock.set(to);
    await engine.runUntilIdle({ deliver: false });

    return { result: await collect(journeys, storage, id, opts.journey), rows, scoring };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A scheduled job replayed in virtual time: it runs at each multiple of `every` after the start. */
interface VirtualJob {
  every: number;
  next: number;
  run: () => Promise<unknown>;
}

function virtualJob(from: number, every: number, run: () => Promise<unknown>): VirtualJob {
  return { every, next: (Math.floor(from / every) + 1) * every, run };
}

/** Saved segments the journey's `trigger.segment` nodes enroll from. */
function triggerSegments(journey: unknown): string[] {
  const nodes = (journey as { nodes?: { type?: unknown; config?: { segment?: unknown } }[] }).nodes ?? [];
  return [...new Set(nodes.flatMap((n) => (n.type === 'trigger.segment' && typeof n.config?.segment === 'string' ? [n.config.segment.trim()] : [])))];
}

async function loadSegmentsAndScores(storage: ReturnType<typeof openSqlite>, now: Date, segments: SimulatedSegment[], scores: SimulatedScore[]): Promise<void> {
  const service = new SegmentService(storage);
  for (const [i, s] of segments.entries()) {
    const problems = await service.save(s, now);
    if (problems.length) throw new ForesightError('invalid_segment', `segments[${i}] "${s.name}": ${problems.map((p) => p.message).join('; ')}`, { field: `segments.${i}.${problems[0]!.field}` });
  }
  if (!scores.length) return;
  const ids = await storage.customers.resolve([...new Set(scores.map((s) => s.customerId))], now.getTime(), true);
  await storage.scores.put(scores.map((s) => ({ customerId: ids.get(s.customerId)!, model: s.model, value: s.value, data: s.data ?? {}, modelVersion: 'simulation', scoredAt: now.getTime() })));
}

async function loadHistory(storage: ReturnType<typeof openSqlite>, now: number, events: Track[], orders: Order[]): Promise<void> {
  const ids = await storage.customers.resolve([...new Set([...events.map((e) => e.customerId), ...orders.map((o) => o.customerId)])], now, true);
  if (orders.length) {
    const rows = orders.map((o) => ({ customerId: ids.get(o.customerId)!, orderId: o.orderId, orderedAt: o.orderedAt.getTime(), amount: o.amount, quantity: o.quantity, items: o.items }));
    await storage.orders.insert(rows);
    // Same shape and idempotency key as recordOrders, so a replayed duplicate is recognised.
    await storage.events.insert(
      rows.map((o) => ({
        customerId: o.customerId,
        type: 'purchase',
        properties: { order_id: o.orderId, amount: o.amount, quantity: o.quantity, items: o.items },
        occurredAt: o.orderedAt,
        idempotencyKey: `order:${o.orderId}`,
        processed: true,
      })),
      now,
    );
  }
  if (events.length) {
    await storage.events.insert(
      events.map((e) => ({ customerId: ids.get(e.customerId)!, type: e.type, properties: e.properties, occurredAt: e.occurredAt!.getTime(), idempotencyKey: e.idempotencyKey ?? null, processed: true })),
      now,
    );
  }
}

async function collect(journeys: JourneyService, storage: ReturnType<typeof openSqlite>, id: string, doc: unknown): Promise<SimulationResult> {
  const stats = await journeys.stats(id);
  const nodes: Record<string, NodeCounts> = {};
  // Every node is listed, even one nobody reached: a zero is an answer too.
  for (const n of (doc as { nodes: { id: string }[] }).nodes) nodes[n.id] = { entered: 0, ports: {}, waiting: 0 };
  for (const [nodeId, s] of Object.entries(stats.nodes)) nodes[nodeId] = { entered: s.entered, ports: s.ports, waiting: s.waiting };
  const outbox = await storage.outbox.countByStatus();
  const messages = Object.values(outbox).reduce((a, b) => a + b, 0);
  return { nodes, converted: stats.converted, messages };
}
