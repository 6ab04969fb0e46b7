import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type express from 'express';
import type { Logger } from 'pino';
import { FirstAdmin } from './auth/bootstrap.ts';
import { newToken } from './auth/tokens.ts';
import { AuthService } from './auth/service.ts';
import { cliRegistry } from './cli/context.ts';
import type { Config } from './config.ts';
import { SystemClock, type Clock } from './core/clock.ts';
import { errorMessage } from './core/errors.ts';
import { Engine } from './executor/engine.ts';
import { createApp } from './http/app.ts';
import { BacktestJobs } from './http/backtest-jobs.ts';
import { DEFAULT_LIMITS, type ApiContext, type ApiLimits } from './http/context.ts';
import type { RouteTable } from './http/route-table.ts';
import { JourneyService } from './journeys.ts';
import { createTrackingRouter } from './messaging/tracking-router.ts';
import { registerNodeJobs } from './jobs/index.ts';
import { registerModelJobs } from './models/job.ts';
import { createLogger } from './ops/logger.ts';
import { Metrics } from './ops/metrics.ts';
import type { NodeRegistry } from './plugin/registry.ts';
import { defaultProviders } from './providers.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { openSqlite } from './storage/sqlite/index.ts';
import type { Storage } from './storage/types.ts';

const BUILDER_DIST = fileURLToPath(new URL('../builder/dist', import.meta.url));

export interface ServerOptions {
  config: Config;
  /** Default: the SQLite file `config.db` (closed with the server). A given storage stays open. */
  storage?: Storage;
  /** Default: the system clock. The only place real time enters a server. */
  clock?: Clock;
  /** Default: the built-in nodes plus `config.plugins`. */
  registry?: NodeRegistry;
  logger?: Logger;
  /** Interface to listen on (default all). */
  host?: string;
  /** The built builder (default builder/dist); null serves no UI. */
  builderDir?: string | null;
  /** Run the engine loop and jobs (default true). */
  scheduler?: boolean;
  pollMs?: number;
  limits?: Partial<ApiLimits>;
  /** Stop gracefully on SIGTERM/SIGINT and exit the process (the CLI sets this). */
  handleSignals?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  app: express.Express;
  routes: RouteTable;
  server: Server;
  storage: Storage;
  engine: Engine;
  scheduler: Scheduler;
  log: Logger;
  /** The one-time link to create the first admin, when no user exists yet. */
  setupUrl: string | null;
  /** Graceful stop: refuse new work, finish the current batch (leases released by commit), close HTTP and storage. */
  close(): Promise<void>;
}

/**
 * The composition root: storage, node registry, engine (with the default
 * providers), scheduler and jobs, the express app (API, `/t` tracking links,
 * builder), logs, metrics and graceful shutdown, in one process.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { config } = opts;
  const log = opts.logger ?? createLogger({ level: config.logLevel });
  const clock = opts.clock ?? new SystemClock();
  const ownStorage = !opts.storage;
  const storage = opts.storage ?? openSqlite(config.db);
  const registry = opts.registry ?? (await cliRegistry(config));
  const engine = new Engine({
    storage,
    registry,
    clock,
    providers: defaultProviders(storage),
    onUnitError: (err, where) => log.error({ err, ...where }, `engine: a run failed outside node code: ${errorMessage(err)}`),
    onDeliveryPaused: (hold) => log.error({ alert: 'delivery_paused', ...hold }, `delivery of ${hold.kind} paused until ${new Date(hold.until).toISOString()}: ${hold.reason} (GET /api/delivery; resume with POST /api/delivery/resume)`),
  });
  const scheduler = new Scheduler({ engine, clock, pollMs: opts.pollMs, onError: (err, where) => log.error({ err, where }, `scheduler: ${where}: ${errorMessage(err)}`) });
  registerModelJobs(scheduler, { storage, clock, onReport: (r) => log.info({ customers: r.customers, moved: r.moved, woken: r.woken, skipped: r.skipped }, 'models scored') });
  // Segment entries (full refresh plus event-driven re-checks) feed trigger.segment; anniversaries feed trigger.date.
  registerNodeJobs(scheduler, { storage, clock, registry });

  const metrics = new Metrics(storage, clock);
  metrics.attachEngine(engine);
  const auth = new AuthService(storage, clock, { envApiKey: config.apiKey });
  const firstAdmin = new FirstAdmin(auth);
  const setupToken = await firstAdmin.ensure({ email: config.adminEmail, password: config.adminPassword });

  const ctx: ApiContext = {
    storage,
    clock,
    registry,
    journeys: new JourneyService(storage, registry, clock),
    auth,
    firstAdmin,
    log,
    metrics,
    delivery: engine.breaker,
    secureCookies: config.secureCookies,
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    tmpDir: tmpdir(),
    backtests: new BacktestJobs(storage, registry),
  };
  const state = { draining: false };
  // Without FORESIGHT_SECRET no mail carries signed links (see nodes/index.ts), so a throwaway secret verifies nothing real.
  const secret = config.messaging.secret ?? newToken();
  const builderDir = opts.builderDir === undefined ? BUILDER_DIST : opts.builderDir;
  const { app, routes } = createApp(ctx, { state, trustProxy: config.trustProxy, builderDir: builderDir ?? undefined, publicRouters: { '/t': createTrackingRouter({ storage, clock, secret }) } });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, opts.host ?? '0.0.0.0', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : 'localhost'}:${port}`;
  // The configured public URL when there is one that can be right (port 0 means "any free port": only the real one works).
  const publicUrl = config.port === 0 ? url : config.messaging.publicUrl;
  const setupUrl = setupToken ? `${publicUrl}/setup?token=${setupToken}` : null;
  if (opts.scheduler !== false) scheduler.start();
  log.info({ port, db: ownStorage ? config.db : undefined, builder: builderDir && existsSync(builderDir) ? builderDir : null }, `foresight listening on ${url}`);

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      state.draining = true;
      // The running batch commits whole (its leases go with it); nothing new is claimed after this.
      await scheduler.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await ctx.backtests.close();
      if (ownStorage) await storage.close();
      log.info('foresight stopped');
    })());

  if (opts.handleSignals) {
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
  return { url, port, app, routes, server, storage, engine, scheduler, log, setupUrl, close };
}
