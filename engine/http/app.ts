import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { requestLogOptions } from '../ops/logger.ts';
import { authenticate } from './authenticate.ts';
import type { ApiContext } from './context.ts';
import { errorHandler, notFound } from './errors.ts';
import { RouteTable } from './route-table.ts';
import { setupPage } from './setup-page.ts';
import { builderMissingPage } from './builder-missing.ts';
import { authRoutes } from './routes/auth.ts';
import { backtestRoutes } from './routes/backtests.ts';
import { customerProfileRoutes } from './routes/customer-profile.ts';
import { customerRoutes } from './routes/customers.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { docRoutes } from './routes/docs.ts';
import { importRoutes } from './routes/import.ts';
import { ingestRoutes } from './routes/ingest.ts';
import { migrateRoutes } from './routes/migrate.ts';
import { journeyRoutes } from './routes/journeys.ts';
import { kpiRoutes } from './routes/kpis.ts';
import { keyRoutes } from './routes/keys.ts';
import { metaRoutes } from './routes/meta.ts';
import { modelRoutes } from './routes/models.ts';
import { opsRoutes } from './routes/ops.ts';
import { segmentPageRoutes } from './routes/segment-pages.ts';
import { segmentRoutes } from './routes/segments.ts';
import { outboxRoutes } from './routes/outbox.ts';
import { publishRoutes } from './routes/publish.ts';
import { suppressionRoutes } from './routes/suppressions.ts';
import { templateRoutes } from './routes/templates.ts';

export interface AppOptions {
  /** Public routers mounted before authentication, by path (e.g. `/t` for unsubscribe and tracking links). */
  publicRouters?: Record<string, express.Router>;
  /** Built builder (index.html + assets) served at `/`, with index.html for client-side routes. */
  builderDir?: string;
  /** Set while shutting down: /healthz answers 503 so load balancers stop sending traffic. */
  state?: { draining: boolean };
  version?: string;
  /** Express `trust proxy` (config FORESIGHT_TRUST_PROXY). */
  trustProxy?: boolean | number | string;
}

/** Every route of the API, registered in one table (mounted on express and documented from it). */
export function apiRoutes(ctx: ApiContext, state: { draining: boolean }, version: string): RouteTable {
  const t = new RouteTable();
  opsRoutes(t, ctx, state);
  authRoutes(t, ctx);
  keyRoutes(t, ctx);
  ingestRoutes(t, ctx);
  importRoutes(t, ctx);
  customerRoutes(t, ctx);
  customerProfileRoutes(t, ctx);
  suppressionRoutes(t, ctx);
  outboxRoutes(t, ctx);
  deliveryRoutes(t, ctx);
  journeyRoutes(t, ctx);
  migrateRoutes(t, ctx);
  publishRoutes(t, ctx);
  backtestRoutes(t, ctx);
  segmentRoutes(t, ctx);
  segmentPageRoutes(t, ctx);
  kpiRoutes(t, ctx);
  templateRoutes(t, ctx);
  modelRoutes(t, ctx);
  metaRoutes(t, ctx);
  docRoutes(t, version);
  return t;
}

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  next();
};

export function createApp(ctx: ApiContext, opts: AppOptions = {}): { app: express.Express; routes: RouteTable } {
  const state = opts.state ?? { draining: false };
  const routes = apiRoutes(ctx, state, opts.version ?? '0.1.0');
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(securityHeaders);
  app.use(
    pinoHttp({
      logger: ctx.log,
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      ...requestLogOptions,
    }),
  );
  app.use((req, res, next) => {
    res.on('finish', () => ctx.metrics.requests.inc({ method: req.method, route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });
  for (const [mount, router] of Object.entries(opts.publicRouters ?? {})) app.use(mount, router);

  // API answers carry personal data and live state (job progress): never kept by browsers or proxies.
  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(['/api', '/metrics'], authenticate(ctx.auth));
  const api = express.Router();
  routes.mount(api);
  app.use(api);
  app.use('/api', notFound);
  app.use(setupPage());

  const builder = opts.builderDir;
  if (builder && existsSync(path.join(builder, 'index.html'))) {
    app.use(express.static(builder, { index: 'index.html', maxAge: '1h' }));
    // Client-side routes (e.g. /journeys/abc) load the app, which routes itself.
    app.get('/{*splat}', (_req, res) => res.sendFile(path.join(path.resolve(builder), 'index.html')));
  } else if (builder) app.use(builderMissingPage());
  app.use(notFound);
  app.use(errorHandler(ctx.log));
  return { app, routes };
}
