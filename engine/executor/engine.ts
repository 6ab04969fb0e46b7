import { randomUUID } from 'node:crypto';
import { addressedTo } from './addressed.ts';
import type { Clock } from '../core/clock.ts';
import { mapLimit } from '../core/concurrency.ts';
import { errorMessage, ForesightError } from '../core/errors.ts';
import { eventSubject, matchesAll, type Filter } from '../core/filter.ts';
import type { CompiledJourney } from '../graph/compile.ts';
import type { CustomerProfile, JourneyEvent, RunMode } from '../plugin/define-node.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { CustomerRecord, EntryClaim, EventRecord, RunRecord, StepUnit, Storage } from '../storage/types.ts';
import { advanceRun, BRANCH_PREFIX, end, failRun, type Entry, type WorkingRun } from './advance.ts';
import type { BreakerOptions, DeliveryBreaker, DeliveryHold } from './breaker.ts';
import { Delivery } from './delivery.ts';
import { JourneyCatalog } from './catalog.ts';
import { byEventTime, correctable, DEFAULT_ALLOWED_LATENESS_MS, duringWait, noteTimeout, rememberResume, rememberTrigger, tooLate, type TimedOutWait } from './event-time.ts';
import { holdOutIfDrawn } from './holdout.ts';
import { reentryAllows } from './reentry.ts';
import { CustomerServices, type ServiceProviders } from './services.ts';
import { count, emptyUnit, JOURNEY_NODE } from './unit.ts';

export interface EngineOptions {
  storage: Storage;
  registry: NodeRegistry;
  clock: Clock;
  /** Names this worker in leases; unique per process by default. */
  workerId?: string;
  /** Events, due runs or outbox entries handled per batch (one transaction). */
  batchSize?: number;
  leaseMs?: number;
  providers?: ServiceProviders;
  /** Delivery retries: delays between attempts; after the last one an entry is marked failed. */
  retryDelaysMs?: number[];
  /** Outbox entries delivered concurrently (per customer always in order). */
  deliveryLanes?: number;
  /** Deadline for one effect handler call (one delivery), default 30 s (below the 60 s lease); a miss is retried like a failure. */
  effectTimeoutMs?: number;
  /** Told about a customer's share of a batch that failed outside node code (the run is failed alone). Default: stderr. */
  onUnitError?: (err: unknown, context: { journeyId: string | null; runId: number | null; nodeId: string | null }) => void;
  /** Customers of one batch handled at once (default 16): node code waiting on an outside API overlaps. */
  concurrency?: number;
  /** Real-world time for the delivery circuit breaker's pauses (default: the system clock). */
  realClock?: Clock;
  breaker?: BreakerOptions;
  /** Called when a kind of delivery is paused (relay refused, failure rate jumped): raise the alert here. */
  onDeliveryPaused?: (hold: DeliveryHold) => void;
  /** How long after it happened an event may arrive and still change runs (default 24 h; see event-time.ts). */
  allowedLatenessMs?: number;
  /** Told to every node as `ctx.mode` (default `live`); simulations and backtests set theirs. */
  mode?: RunMode;
}

export interface EngineStats {
  eventsProcessed: number;
  runsEnrolled: number;
  steps: number;
  runsAdvanced: number;
  sends: number;
  sendFailures: number;
  conflicts: number;
  /** Customer units that threw outside node code and were failed alone. */
  unitFailures: number;
  /** Times a kind of delivery was paused by the circuit breaker. */
  deliveryPauses: number;
}

/** How long a due run of a journey that cannot run here (plugin missing) waits before it is tried again. */
const UNAVAILABLE_RETRY_MS = 60_000;

export function toProfile(c: CustomerRecord): CustomerProfile {
  return {
    id: c.id,
    externalId: c.externalId,
    email: c.email,
    attributes: c.attributes,
    timezone: c.timezone,
    consent: c.consent,
    unsubscribed: c.unsubscribedAt !== null,
    createdAt: new Date(c.createdAt),
  };
}

function toJourneyEvent(e: EventRecord): JourneyEvent {
  return { id: e.id, type: e.type, properties: e.properties, occurredAt: new Date(e.occurredAt) };
}

/** The database-checked claim for a new run's entry, from the journey's re-entry rule. */
function entryClaim(run: RunRecord, j: CompiledJourney): EntryClaim {
  const minGapMs = j.settings.reentry === 'once' ? null : (j.reentryAfterMs ?? 0);
  return { journeyId: j.id, customerId: run.customerId, runId: run.id, at: run.enteredAt, minGapMs };
}

/** A run enrolled in the current batch, with what it needs to take further events. */
interface FreshRun {
  w: WorkingRun;
  j: CompiledJourney;
  services: CustomerServices;
  unit: StepUnit;
}

function isOpen(run: RunRecord): boolean {
  return run.status === 'waiting' || run.status === 'active';
}

/** The event types that can change a run now: its goal, its exit events and what it waits for. */
function reactsTo(run: RunRecord, j: CompiledJourney): string[] {
  return [...(j.settings.goal ? [j.settings.goal.event] : []), ...j.settings.exitOn.map((x) => x.event), ...(run.wait?.event ? [run.wait.event.type] : [])];
}

/**
 * The durable executor. Each public `process*` call handles one batch in
 * three phases: claim (lease), compute in memory (nodes run here), and one
 * group commit in which each customer's changes land atomically or not at all.
 */
export class Engine {
  readonly storage: Storage;
  readonly registry: NodeRegistry;
  readonly clock: Clock;
  readonly catalog: JourneyCatalog;
  readonly workerId: string;
  readonly stats: EngineStats = { eventsProcessed: 0, runsEnrolled: 0, steps: 0, runsAdvanced: 0, sends: 0, sendFailures: 0, conflicts: 0, deliveryPauses: 0, unitFailures: 0 };
  /**
   * Set while the process shuts down: the running batch starts no further customers, so a
   * stop waits for the customers in flight (each bounded by its deadlines), not the whole batch.
   */
  stopping = false;
  private readonly delivery: Delivery;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly providers: ServiceProviders;
  private readonly concurrency: number;
  private readonly onUnitError: NonNullable<EngineOptions['onUnitError']>;
  private readonly allowedLatenessMs: number;
  private readonly mode: RunMode;

  constructor(opts: EngineOptions) {
    this.storage = opts.storage;
    this.registry = opts.registry;
    this.clock = opts.clock;
    this.catalog = new JourneyCatalog(opts.storage, opts.registry);
    this.workerId = opts.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
    this.batchSize = opts.batchSize ?? 2000;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.providers = opts.providers ?? {};
    this.concurrency = Math.max(1, opts.concurrency ?? 16);
    this.onUnitError = opts.onUnitError ?? ((err, c) => console.error(`engine: run ${c.runId ?? '-'} at node ${c.nodeId ?? '-'} failed outside node code: ${errorMessage(err)}`));
    this.allowedLatenessMs = opts.allowedLatenessMs ?? DEFAULT_ALLOWED_LATENESS_MS;
    this.mode = opts.mode ?? 'live';
    this.delivery = new Delivery({
      storage: this.storage,
      registry: this.registry,
      clock: this.clock,
      stats: this.stats,
      lease: (limit) => this.lease(limit),
      profiles: (ids) => this.profiles(ids),
      retryDelaysMs: opts.retryDelaysMs,
      lanes: opts.deliveryLanes,
      realClock: opts.realClock,
      breaker: opts.breaker,
      onPaused: opts.onDeliveryPaused,
      http: opts.providers?.http,
      effectTimeoutMs: opts.effectTimeoutMs,
    });
  }

  /** Pauses delivery of a kind when the relay refuses or failures jump; read by the API and metrics. */
  get breaker(): DeliveryBreaker {
    return this.delivery.breaker;
  }

  private lease(limit = this.batchSize) {
    return { now: this.clock.now().getTime(), owner: this.workerId, leaseMs: this.leaseMs, limit };
  }

  private async profiles(ids: number[]): Promise<Map<number, CustomerProfile>> {
    const rows = await this.storage.customers.get([...new Set(ids)]);
    return new Map(rows.map((c) => [c.id, toProfile(c)]));
  }

  /** Enrolls, resumes, converts and exits runs for one batch of stored, unprocessed events. Returns events handled. */
  async processEvents(): Promise<number> {
    await this.catalog.refresh();
    const events = await this.storage.events.claim(this.lease());
    if (events.length === 0) return 0;
    const now = this.clock.now();
    const byCustomer = new Map<number, EventRecord[]>();
    for (const e of events) {
      const list = byCustomer.get(e.customerId);
      if (list) list.push(e);
      else byCustomer.set(e.customerId, [e]);
    }
    const customerIds = [...byCustomer.keys()];
    const [profiles, open] = await Promise.all([this.profiles(customerIds), this.storage.runs.openForCustomers(customerIds)]);
    const openBy = new Map<number, WorkingRun[]>();
    for (const r of open) {
      const w = { run: r, expect: { nodeId: r.nodeId, visit: r.visit } };
      const list = openBy.get(r.customerId);
      if (list) list.push(w);
      else openBy.set(r.customerId, [w]);
    }

    // Last entry per (journey, customer), fetched only for journeys some event may enroll into.
    const candidates = new Map<string, Set<number>>();
    let possibleEnrollments = 0;
    for (const e of events) {
      for (const t of this.catalog.triggersFor(e.type)) {
        possibleEnrollments++;
        if (t.journey.settings.reentry === 'always') continue;
        const set = candidates.get(t.journey.id) ?? new Set<number>();
        set.add(e.customerId);
        candidates.set(t.journey.id, set);
      }
    }
    const lastEntries = new Map<string, Map<number, number>>();
    for (const [jid, set] of candidates) lastEntries.set(jid, await this.storage.runs.lastEntries(jid, [...set]));
    const firstId = possibleEnrollments ? await this.storage.runs.reserveIds(possibleEnrollments) : 0;
    // Each customer gets its own block of run ids, in batch order, so ids (and the randomness
    // seeded by them) do not depend on which concurrent customer got there first.
    const idBlocks = new Map<number, { next: number }>();
    let offset = 0;
    for (const [customerId, evs] of byCustomer) {
      idBlocks.set(customerId, { next: firstId + offset });
      for (const e of evs) offset += this.catalog.triggersFor(e.type).length;
    }

    // Customers are independent: their node code may wait on outside APIs, so several run at once.
    const units = await mapLimit([...byCustomer], this.concurrency, ([customerId, evs]) =>
      this.guarded(evs.map((e) => e.id), now, async (unit, at) => {
        const ids = idBlocks.get(customerId)!;
        const profile = profiles.get(customerId);
        if (!profile) {
          unit.eventIds.push(...evs.map((e) => e.id));
          return;
        }
        const services = new CustomerServices(this.storage, this.providers, profile, unit, () => now, this.mode);
        const working = openBy.get(customerId) ?? [];
        const touched = new Set<WorkingRun>();
        const fresh: FreshRun[] = [];
        // One customer's events are applied in the order they happened, not the order they arrived.
        evs.sort(byEventTime);
        for (const e of evs) {
          unit.eventIds.push(e.id);
          const subject = eventSubject(e.type, e.properties);
          for (const w of working) {
            if (w.run.status !== 'waiting' && w.run.status !== 'active') continue;
            at.run = w;
            const j = await this.versionOrFail(w, unit, now);
            if (!j) {
              touched.add(w);
              continue;
            }
            if (await this.onOpenRunEvent(w, j, e, subject, services, now, unit)) touched.add(w);
          }
          for (const t of this.catalog.triggersFor(e.type)) {
            if (e.occurredAt < t.liveSince || !addressedTo(e.properties, t.journey.id) || !matchesAll(subject, t.spec.where)) continue;
            const j = t.journey;
            if (working.some((w) => w.run.journeyId === j.id && (w.run.status === 'waiting' || w.run.status === 'active'))) continue;
            // A trigger later than the allowed lateness starts nothing (it would replay a stale path); counted on the trigger.
            if (tooLate(e, this.allowedLatenessMs)) {
              count(unit, j.id, j.version, t.nodeId, 'late');
              continue;
            }
            const last = lastEntries.get(j.id)?.get(customerId);
            if (!reentryAllows(j, last, e.occurredAt)) continue;
            const w = this.newRun(ids.next++, j, t.nodeId, customerId, e.occurredAt, now);
            at.run = w;
            unit.entries!.push(entryClaim(w.run, j));
            lastEntries.get(j.id)?.set(customerId, e.occurredAt);
            rememberTrigger(w.run, e);
            count(unit, j.id, j.version, JOURNEY_NODE, 'enrolled');
            count(unit, j.id, j.version, t.nodeId, 'entered');
            unit.history.push({ runId: w.run.id, visit: 0, nodeId: t.nodeId, at: now.getTime(), kind: 'enter', detail: { event: e.type, eventId: e.id, occurredAt: new Date(e.occurredAt).toISOString() } });
            this.stats.runsEnrolled++;
            working.push(w);
            touched.add(w);
            fresh.push({ w, j, services, unit });
            if (!holdOutIfDrawn(w.run, j, profile, unit, now.getTime())) await this.advance(w, j, { kind: 'enter', event: toJourneyEvent(e), at: e.occurredAt }, services, now, unit);
          }
        }
        // Events already stored and dated after a new run's entry count for it too (an order synced before its cart).
        await this.applyEarlierEvents(fresh, now);
        for (const w of touched) {
          if (w.expect) unit.updates.push({ run: w.run, expect: w.expect });
          else unit.inserts.push(w.run);
        }
      }),
    );
    await this.commit(units);
    this.stats.eventsProcessed += events.length;
    return events.length;
  }

  /**
   * Goal, exit events and awaited events for one open run, all decided on event time: the event must
   * have happened after the run entered, within the goal window, and inside the wait it ends.
   * Returns true if the run changed (or its trace did).
   */
  private async onOpenRunEvent(w: WorkingRun, j: CompiledJourney, e: EventRecord, subject: Record<string, unknown>, services: CustomerServices, now: Date, unit: StepUnit): Promise<boolean> {
    const run = w.run;
    const t = now.getTime();
    if (e.occurredAt < run.enteredAt) return false;
    const goal = j.settings.goal;
    const converts = !!goal && goal.event === e.type && matchesAll(subject, goal.where as Filter[] | undefined) && (j.goalWithinMs === null || e.occurredAt - run.enteredAt <= j.goalWithinMs);
    const exit = converts ? undefined : j.settings.exitOn.find((x) => x.event === e.type && matchesAll(subject, x.where as Filter[] | undefined));
    const awaited = converts || exit ? undefined : this.awaitedBy(run, e, subject);
    const correction = converts || exit || awaited || this.catalog.isFrozen(j.id) ? null : correctable(run, e, subject);
    if (!converts && !exit && !awaited && !correction) return false;
    const detail = { event: e.type, eventId: e.id };
    const late = tooLate(e, this.allowedLatenessMs);
    if (late) {
      // It would have changed this run: say so in the trace rather than drop it silently.
      unit.history.push({ runId: run.id, visit: run.visit, nodeId: run.nodeId, at: t, kind: 'ignore', detail: { ...detail, reason: late } });
      return true;
    }
    if (converts) {
      run.visit++;
      end(run, t, 'converted', 'goal');
      unit.history.push({ runId: run.id, visit: run.visit, nodeId: run.nodeId, at: t, kind: 'convert', detail });
      count(unit, j.id, j.version, JOURNEY_NODE, 'converted');
      for (const [k, port] of Object.entries(run.state)) {
        if (k.startsWith(BRANCH_PREFIX)) count(unit, j.id, j.version, k.slice(BRANCH_PREFIX.length), `converted:${String(port)}`);
      }
      return true;
    }
    if (exit) {
      run.visit++;
      end(run, t, 'exited', `exit event ${e.type}`);
      unit.history.push({ runId: run.id, visit: run.visit, nodeId: run.nodeId, at: t, kind: 'exit', detail });
      count(unit, j.id, j.version, JOURNEY_NODE, 'exited');
      return true;
    }
    if (correction) {
      await this.correct(w, j, e, correction, services, now, unit);
      return true;
    }
    rememberResume(run, e);
    if (this.catalog.isFrozen(j.id)) {
      // Paused: remember the event and leave through its port on resume.
      run.wait = { ...run.wait!, resumePort: awaited!.port };
      run.wakeAt = t;
      run.visit++;
      run.updatedAt = t;
      unit.history.push({ runId: run.id, visit: run.visit, nodeId: run.nodeId, at: t, kind: 'resume', port: awaited!.port, detail: { ...detail, paused: true } });
      return true;
    }
    await this.advance(w, j, { kind: 'port', port: awaited!.port, detail, at: e.occurredAt }, services, now, unit);
    return true;
  }

  /** The event wait this event ends: it happened while the run waited, before the timeout. */
  private awaitedBy(run: RunRecord, e: EventRecord, subject: Record<string, unknown>): { port: string } | undefined {
    const wait = run.wait;
    const awaited = wait?.event;
    if (run.status !== 'waiting' || !awaited || awaited.type !== e.type || wait.resumePort) return undefined;
    if (!duringWait(e.occurredAt, wait.since, wait.until ?? run.wakeAt)) return undefined;
    return matchesAll(subject, awaited.where as Filter[] | undefined) ? awaited : undefined;
  }

  /**
   * A late event dated inside a wait the run already left through its timeout: back to that wait and
   * out through the event's port. Effects the timeout path queued are withdrawn while still pending;
   * those already sent cannot be recalled. The trace lists each with what became of it.
   */
  private async correct(w: WorkingRun, j: CompiledJourney, e: EventRecord, note: TimedOutWait, services: CustomerServices, now: Date, unit: StepUnit): Promise<void> {
    const run = w.run;
    const t = now.getTime();
    const reason = `${e.type} happened before the timeout of "${note.nodeId}" but arrived after it`;
    const queued = (await this.storage.outbox.list({ customerId: run.customerId, since: note.firedAt }))
      .filter((o) => o.runId === run.id)
      .map((o) => ({ key: o.key, nodeId: o.nodeId, status: o.status, withdrawn: o.status === 'pending' }));
    unit.withdrawn = [...(unit.withdrawn ?? []), ...queued.filter((q) => q.withdrawn).map((q) => ({ key: q.key, reason: `path corrected: ${reason}` }))];
    run.visit++;
    unit.history.push({
      runId: run.id,
      visit: run.visit,
      nodeId: note.nodeId,
      at: t,
      kind: 'correct',
      detail: {
        event: e.type,
        eventId: e.id,
        occurredAt: new Date(e.occurredAt).toISOString(),
        timeout: new Date(note.until).toISOString(),
        left: run.nodeId,
        reason,
        alreadyQueued: queued,
      },
    });
    count(unit, j.id, j.version, note.nodeId, 'corrected');
    run.nodeId = note.nodeId;
    rememberResume(run, e);
    await this.advance(w, j, { kind: 'port', port: note.event.port, detail: { event: e.type, eventId: e.id, late: true }, at: e.occurredAt }, services, now, unit);
  }

  /**
   * Events already processed but dated after a new run's entry (an order synced before its cart) count
   * for that run too. Only the types the run reacts to are read (goal, exit events, what it waits for),
   * so the lookup stays an index seek however long a customer's history; a run that moves on to wait
   * for another type is looked up again for that type.
   */
  private async applyEarlierEvents(fresh: FreshRun[], now: Date): Promise<void> {
    const seen = new Map<FreshRun, Set<string>>();
    let round = fresh;
    while (round.length) {
      const want = new Map<FreshRun, Set<string>>();
      for (const f of round) {
        const done = seen.get(f) ?? new Set<string>();
        const types = reactsTo(f.w.run, f.j).filter((t) => !done.has(t));
        if (!isOpen(f.w.run) || !types.length) continue;
        want.set(f, new Set(types));
        seen.set(f, new Set([...done, ...types]));
      }
      if (!want.size) return;
      const runs = [...want.keys()].map((f) => f.w.run);
      const stored = await this.storage.events.processedSince([...new Set(runs.map((r) => r.customerId))], Math.min(...runs.map((r) => r.enteredAt)), [...new Set([...want.values()].flatMap((t) => [...t]))]);
      const byCustomer = new Map<number, EventRecord[]>();
      for (const e of stored) {
        const list = byCustomer.get(e.customerId);
        if (list) list.push(e);
        else byCustomer.set(e.customerId, [e]);
      }
      for (const [f, types] of want) {
        for (const e of byCustomer.get(f.w.run.customerId) ?? []) {
          if (!isOpen(f.w.run)) break;
          if (types.has(e.type)) await this.onOpenRunEvent(f.w, f.j, e, eventSubject(e.type, e.properties), f.services, now, f.unit);
        }
      }
      round = [...want.keys()];
    }
  }

  /** A run entering at `enteredAt`, its trigger's event time. */
  private newRun(id: number, j: CompiledJourney, nodeId: string, customerId: number, enteredAt: number, now: Date): WorkingRun {
    const t = now.getTime();
    const run: RunRecord = {
      id,
      journeyId: j.id,
      version: j.version,
      customerId,
      nodeId,
      visit: 0,
      status: 'active',
      wakeAt: null,
      waitEvent: null,
      wait: null,
      enteredAt,
      nodeEnteredAt: enteredAt,
      updatedAt: t,
      endedAt: null,
      endReason: null,
      state: {},
      error: null,
    };
    return { run, expect: null };
  }

  private async versionOrFail(w: WorkingRun, unit: StepUnit, now: Date): Promise<CompiledJourney | null> {
    try {
      return await this.catalog.version(w.run.journeyId, w.run.version);
    } catch (err) {
      const r = w.run;
      if (err instanceof ForesightError && err.code === 'journey_unavailable') {
        // A missing plugin is an operator's fix away: the run waits (timers retry later) instead of failing.
        if (r.wakeAt !== null) r.wakeAt = Math.max(r.wakeAt, now.getTime() + UNAVAILABLE_RETRY_MS);
        return null;
      }
      r.visit++;
      r.error = `journey ${r.journeyId} v${r.version} cannot be loaded: ${errorMessage(err)}`;
      end(r, now.getTime(), 'failed', 'error');
      unit.history.push({ runId: r.id, visit: r.visit, nodeId: r.nodeId, at: now.getTime(), kind: 'fail', detail: { error: r.error } });
      return null;
    }
  }

  private async advance(w: WorkingRun, j: CompiledJourney, entry: Entry, services: CustomerServices, now: Date, unit: StepUnit): Promise<void> {
    const before = w.run.visit;
    await advanceRun(w, j, entry, services, now, unit);
    this.stats.steps += w.run.visit - before;
    this.stats.runsAdvanced++;
  }

  /** Advances one batch of runs whose wake time has come. Returns runs handled. */
  async processDue(): Promise<number> {
    await this.catalog.refresh();
    const runs = await this.storage.runs.claimDue(this.lease());
    if (runs.length === 0) return 0;
    const now = this.clock.now();
    const profiles = await this.profiles(runs.map((r) => r.customerId));
    const byCustomer = new Map<number, RunRecord[]>();
    for (const run of runs) {
      const list = byCustomer.get(run.customerId);
      if (list) list.push(run);
      else byCustomer.set(run.customerId, [run]);
    }
    const units = await mapLimit([...byCustomer], this.concurrency, ([customerId, list]) =>
      this.guarded([], now, async (unit, at) => {
        const profile = profiles.get(customerId);
        const services = profile ? new CustomerServices(this.storage, this.providers, profile, unit, () => now, this.mode) : null;
        for (const run of list) {
          const w: WorkingRun = { run, expect: { nodeId: run.nodeId, visit: run.visit } };
          at.run = w;
          const j = await this.versionOrFail(w, unit, now);
          if (j && services) {
            const wait = run.wait;
            // A timeout happens at its own instant in event time; noted so a late event dated before it can correct the path.
            if (!wait?.resumePort && wait?.timeoutPort) noteTimeout(run, now.getTime());
            const entry: Entry = wait?.resumePort
              ? { kind: 'port', port: wait.resumePort, detail: { resumed: true } }
              : wait?.timeoutPort
                ? { kind: 'port', port: wait.timeoutPort, detail: { timeout: true }, at: run.wakeAt ?? undefined }
                : { kind: 'time' };
            await this.advance(w, j, entry, services, now, unit);
          } else if (!services) {
            run.visit++;
            run.error = `customer ${run.customerId} no longer exists`;
            end(run, now.getTime(), 'failed', 'error');
          }
          unit.updates.push({ run: w.run, expect: w.expect! });
        }
      }),
    );
    await this.commit(units);
    return runs.length;
  }

  /**
   * Runs one customer's share of a batch. If it throws (engine code; node code is
   * already caught in advanceRun), only this customer's unit is replaced: the run
   * being moved fails with the node and the reason, and the customer's events are
   * consumed, so the rest of the batch commits and nothing is retried forever.
   */
  private async guarded(eventIds: number[], now: Date, work: (unit: StepUnit, at: { run: WorkingRun | null }) => Promise<void>): Promise<StepUnit> {
    const unit = emptyUnit();
    // Shutting down: customers not started yet are left to their lease (another process takes them on).
    if (this.stopping) return unit;
    const at: { run: WorkingRun | null } = { run: null };
    try {
      await work(unit, at);
      return unit;
    } catch (err) {
      this.stats.unitFailures++;
      const failed = emptyUnit();
      failed.eventIds.push(...eventIds);
      const w = at.run;
      this.onUnitError(err, { journeyId: w?.run.journeyId ?? null, runId: w?.run.id ?? null, nodeId: w?.run.nodeId ?? null });
      if (w) {
        failRun(w.run, failed, now.getTime(), `engine error at node "${w.run.nodeId}": ${errorMessage(err)}`);
        if (w.expect) failed.updates.push({ run: w.run, expect: w.expect });
        else {
          failed.inserts.push(w.run);
          failed.entries!.push(...unit.entries!.filter((c) => c.runId === w.run.id));
        }
      }
      return failed;
    }
  }

  private async commit(units: StepUnit[]): Promise<void> {
    const { failed } = await this.storage.runs.commit(units, this.clock.now().getTime());
    // A conflict means another worker moved the run first; its lease/our events expire and are retried.
    this.stats.conflicts += failed.length;
  }

  /** Delivers one batch of due outbox entries (see Delivery). Returns entries handled. */
  dispatchOutbox(limit = 100): Promise<number> {
    return this.delivery.dispatch(limit);
  }

  /** Ticks until nothing is left to do at the current time. */
  async runUntilIdle(opts: { deliver?: boolean } = {}): Promise<void> {
    const deliver = opts.deliver ?? true;
    for (;;) {
      const n = (await this.processEvents()) + (await this.processDue()) + (deliver ? await this.dispatchOutbox() : 0);
      if (n === 0) return;
    }
  }
}
