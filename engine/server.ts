import { brandSender, readBrand } from './brand/brand.ts';
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
import type { Config } from './config.ts';
import { SystemClock, type Clock } from './core/clock.ts';
import { createApp } from './http/app.ts';
import { BacktestJobs } from './http/backtest-jobs.ts';
import { DEFAULT_LIMITS, type ApiContext, type ApiLimits } from './http/context.ts';
import type { RouteTable } from './http/route-table.ts';
import { JourneyService } from './journeys.ts';
import { createTrackingRouter } from './messaging/tracking-router.ts';
import { Metrics } from './ops/metrics.ts';
import type { NodeRegistry } from './plugin/registry.ts';
import type { Engine } from './executor/engine.ts';
import type { Scheduler } from './scheduler/scheduler.ts';
import { redact } from './storage/postgres/index.ts';
import type { Storage } from './storage/types.ts';
import { assemble, exitOnSignals } from './worker.ts';

const BUILDER_DIST = fileURLToPath(new URL('../builder/dist', import.meta.url));

export interface ServerOptions {
  config: Config;
  /** Default: the configured database `config.db`, SQLite or PostgreSQL (closed with the server). A given storage stays open. */
  storage?: Storage;
  /** Default: the system clock. The only place real time enters a server. */
  clock?: Clock;
  /**
   * Time in the real world, for what people live through at their desks: sign-in sessions
   * (login rate limits keep real time too). Default: the system clock. It differs from
   * `clock` only where shop time runs at another pace, as in the demo.
   */
  realClock?: Clock;
  /** Run the jobs (scoring, segment refresh, anniversaries) on `clock`'s time rather than by the wall clock (the demo's sped-up shop). */
  jobsOnClock?: boolean;
  /** Default: the built-in nodes plus `config.plugins`. */
  registry?: NodeRegistry;
  logger?: Logger;
  /** Interface to listen on (default `config.host`). */
  host?: string;
  /** The built builder (default builder/dist); null serves no UI. */
  builderDir?: string | null;
  /** Run the engine loop, delivery and jobs (default true); false (`serve --no-worker`) leaves them to `foresight worker` processes. */
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
 * The start-up line: the address actually bound (every interface is not "localhost": the server is
 * reachable from other machines), and the URL to open on this one.
 *
 * @example listeningText({ address: '0.0.0.0', port: 4000, family: 'IPv4' }, 'http://localhost:4000')
 * // 'foresight listening on 0.0.0.0:4000 (every IPv4 interface); open http://localhost:4000'
 */
export function listeningText(bound: AddressInfo, url: string): string {
  const every = bound.address === '0.0.0.0' || bound.address === '::';
  const where = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  return `foresight listening on ${where}${every ? ` (every ${bound.address === '::' ? 'IPv4 and IPv6' : 'IPv4'} interface)` : ''}; open ${url}`;
}

/**
 * The composition root: storage, node registry, engine (with the default
 * providers), scheduler and jobs, the express app (API, `/t` tracking links,
 * builder), logs, metrics and graceful shutdown, in one process.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { config } = opts;
  const { log, clock, storage, ownStorage, registry, parts: worker } = await assemble(opts);
  const { engine, scheduler } = worker;

  const metrics = new Metrics(storage, clock);
  metrics.attachEngine(engine);
  const realClock = opts.realClock ?? new SystemClock();
  const auth = new AuthService(storage, realClock, { envApiKey: config.apiKey });
  const firstAdmin = new FirstAdmin(auth);
  const setupToken = await firstAdmin.ensure({ email: config.adminEmail, password: config.adminPassword });

  const ctx: ApiContext = {
    storage,
    clock,
    realClock,
    registry,
    journeys: new JourneyService(storage, registry, clock),
    auth,
    firstAdmin,
    log,
    metrics,
    delivery: engine.breaker,
    secureCookies: config.secureCookies,
    limits: { ...DEFAULT_LIMITS, ingestPerSecond: config.ingestRateLimit, ...opts.limits },
    tmpDir: tmpdir(),
    backtests: new BacktestJobs(storage, registry),
  };
  const state = { draining: false };
  // Without FORESIGHT_SECRET no mail carries signed links (see nodes/index.ts), so a throwaway secret verifies nothing real.
  const secret = config.messaging.secret ?? newToken();
  const builderDir = opts.builderDir === undefined ? BUILDER_DIST : opts.builderDir;
  const { app, routes } = createApp(ctx, { state, trustProxy: config.trustProxy, builderDir: builderDir ?? undefined, publicRouters: { '/t': createTrackingRouter({ storage, clock, secret }) } });

  const host = opts.host ?? config.host;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}`;
  // The configured public URL when there is one that can be right (port 0 means "any free port": only the real one works).
  const publicUrl = config.port === 0 ? url : config.messaging.publicUrl;
  const setupUrl = setupToken ? `${publicUrl}/setup?token=${setupToken}` : null;
  if (opts.scheduler !== false) worker.start();
  log.info({ port, url, db: ownStorage ? redact(config.db) : undefined, worker: opts.scheduler !== false, builder: builderDir && existsSync(builderDir) ? builderDir : null }, listeningText(server.address() as AddressInfo, url));
  // Publishing is blocked without a sender, but journeys already live would fail every such email in silence.
  if (config.messaging.smtpUrl && !config.messaging.mailFrom && !brandSender(await readBrand(storage))) {
    log.warn('email: no default sender; set the brand sender (Brand page) or FORESIGHT_MAIL_FROM, or every email node without its own From fails at delivery');
  }

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      state.draining = true;
      // The running batch commits whole (its leases go with it); nothing new is claimed after this.
      await worker.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await ctx.backtests.close();
      if (ownStorage) await storage.close();
      log.info('foresight stopped');
    })());

  if (opts.handleSignals) exitOnSignals(log, close);
  return { url, port, app, routes, server, storage, engine, scheduler, log, setupUrl, close };
}
