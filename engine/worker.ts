import type { Logger } from 'pino';
import { createHttpService } from './net/http.ts';
import { cliRegistry } from './cli/context.ts';
import type { Config } from './config.ts';
import { SystemClock, type Clock } from './core/clock.ts';
import { errorMessage } from './core/errors.ts';
import { Engine } from './executor/engine.ts';
import { registerNodeJobs } from './jobs/index.ts';
import { registerRetentionJob } from './jobs/retention.ts';
import { registerModelJobs } from './models/job.ts';
import { createLogger } from './ops/logger.ts';
import type { NodeRegistry } from './plugin/registry.ts';
import { defaultProviders } from './providers.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { openStorage } from './storage/open.ts';
import type { PostgresStorage } from './storage/postgres/index.ts';
import type { Storage } from './storage/types.ts';

export interface WorkerParts {
  engine: Engine;
  scheduler: Scheduler;
  /** Starts the loop and jobs and, on PostgreSQL, listening for work notifications. */
  start(): void;
  /** Stops listening, then stops the loop after its current batch. */
  stop(): Promise<void>;
}

const isPostgres = (s: Storage): s is PostgresStorage => s.dialect === 'postgres';

/**
 * The engine, its loop and the recurring jobs on a storage: what `serve` and `worker` share.
 * On PostgreSQL, any number of these share the work: each recurring job's firing is claimed
 * by one of them, and a notification from the database wakes idle ones when work arrives.
 */
export function createWorkerParts(opts: { storage: Storage; registry: NodeRegistry; clock: Clock; log: Logger; pollMs?: number; leaseMs?: number; allowedLatenessMs?: number; jobsOnClock?: boolean; retentionMs?: number; /** FORESIGHT_WEBHOOK_ALLOW_PRIVATE: plugins' `ctx.services.http` may reach private addresses too. */ httpAllowPrivate?: boolean }): WorkerParts {
  const { storage, registry, clock, log } = opts;
  const engine = new Engine({
    storage,
    registry,
    clock,
    providers: { ...defaultProviders(storage), http: createHttpService({ allowPrivate: opts.httpAllowPrivate }) },
    leaseMs: opts.leaseMs,
    allowedLatenessMs: opts.allowedLatenessMs,
    onUnitError: (err, where) => log.error({ err, ...where }, `engine: a run failed outside node code: ${errorMessage(err)}`),
    onDeliveryPaused: (hold) => log.error({ alert: 'delivery_paused', ...hold }, `delivery of ${hold.kind} paused until ${new Date(hold.until).toISOString()}: ${hold.reason} (GET /api/delivery; resume with POST /api/delivery/resume)`),
  });
  const pg = isPostgres(storage) ? storage : null;
  const scheduler = new Scheduler({
    engine,
    clock,
    jobClock: opts.jobsOnClock ? clock : undefined,
    pollMs: opts.pollMs ?? (pg ? 1000 : undefined),
    onError: (err, where) => log.error({ err, where }, `scheduler: ${where}: ${errorMessage(err)}`),
    // A busy process (a large import, a backtest) delays cron's timer: the job runs at its next firing, nothing is wrong.
    onNotice: (message, job) => log.debug({ job }, `scheduler: job ${job}: ${message}`),
    // Real time: cron fires on the wall clock, and the lease row is shared across hosts.
    claimJob: pg ? (name, slot) => pg.jobLeases.claim(name, slot, engine.workerId, Date.now()) : undefined,
    nextWakeAfter: (now) => storage.runs.nextWakeAfter(now),
  });
  registerModelJobs(scheduler, { storage, clock, onReport: (r) => log.info({ customers: r.customers, moved: r.moved, woken: r.woken, skipped: r.skipped }, 'models scored') });
  // Segment entries (full refresh plus event-driven re-checks) feed trigger.segment; anniversaries feed trigger.date.
  registerNodeJobs(scheduler, { storage, clock, registry });
  registerRetentionJob(scheduler, { storage, clock, maxAgeMs: opts.retentionMs ?? 0, onPruned: (r) => log.info(r, 'retention: old history removed') });
  let detach = () => {};
  return {
    engine,
    scheduler,
    start() {
      if (pg) detach = pg.onWork(() => scheduler.wake());
      scheduler.start();
    },
    async stop() {
      detach();
      await scheduler.stop();
    },
  };
}

/** SIGTERM/SIGINT: finish the current batch, close, and exit (0, or 1 if closing failed). Used by `serve` and `worker`. */
export function exitOnSignals(log: Logger, close: () => Promise<void>): void {
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'shutting down: finishing the current batch');
    close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

export interface WorkerOptions {
  config: Config;
  /** Default: the configured database (closed with the worker). A given storage stays open. */
  storage?: Storage;
  clock?: Clock;
  registry?: NodeRegistry;
  logger?: Logger;
  pollMs?: number;
  /** Run the jobs on `clock`'s time rather than by the wall clock (the demo's sped-up shop). */
  jobsOnClock?: boolean;
  /** Stop gracefully on SIGTERM/SIGINT and exit the process (the CLI sets this). */
  handleSignals?: boolean;
}

export interface RunningWorker extends WorkerParts {
  storage: Storage;
  close(): Promise<void>;
}

/** What `serve` and `worker` both assemble from the config: log, clock, storage, registry and the worker parts (not started). */
export async function assemble(opts: Omit<WorkerOptions, 'handleSignals'>) {
  const { config } = opts;
  const log = opts.logger ?? createLogger({ level: config.logLevel });
  const clock = opts.clock ?? new SystemClock();
  const ownStorage = !opts.storage;
  const storage = opts.storage ?? (await openStorage(config.db, { ...config.pg, onRetry: (m) => log.warn(m) }));
  const registry = opts.registry ?? (await cliRegistry(config));
  const parts = createWorkerParts({ storage, registry, clock, log, pollMs: opts.pollMs, leaseMs: config.leaseMs, allowedLatenessMs: config.allowedLatenessMs, jobsOnClock: opts.jobsOnClock, retentionMs: config.retentionMs, httpAllowPrivate: config.messaging.webhookAllowPrivate });
  return { log, clock, storage, ownStorage, registry, parts };
}

/** `foresight worker`: the engine loop, outbox delivery and recurring jobs, without HTTP. */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const { log, storage, ownStorage, parts } = await assemble(opts);
  parts.start();
  log.info({ worker: parts.engine.workerId, dialect: storage.dialect }, `foresight worker ${parts.engine.workerId} started`);

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      // The running batch commits whole (its leases go with it); nothing new is claimed after this.
      await parts.stop();
      if (ownStorage) await storage.close();
      log.info(`foresight worker ${parts.engine.workerId} stopped`);
    })());
  if (opts.handleSignals) exitOnSignals(log, close);
  return { ...parts, storage, close };
}
