import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ForesightError } from '../core/errors.ts';
import type { NodeRegistry } from '../plugin/registry.ts';

export interface AppOptions {
  registry: NodeRegistry;
  /** Required: the server never runs open. */
  apiKey: string;
}

/** Every error leaves as `{ "error": { "code", "message", "field"? } }`. */
function sendError(res: Response, status: number, code: string, message: string, field?: string): void {
  res.status(status).json({ error: { code, message, ...(field ? { field } : {}) } });
}

function keyMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Constant-time compare so the key cannot be guessed byte by byte from response times.
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createApp(opts: AppOptions): express.Express {
  if (!opts.apiKey) throw new ForesightError('invalid_config', 'http: an API key is required; set FORESIGHT_API_KEY', { field: 'FORESIGHT_API_KEY' });
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '10mb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  const api = express.Router();
  api.use((req, res, next) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m || !keyMatches(m[1]!, opts.apiKey)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'unauthorized', 'send the API key as "Authorization: Bearer <key>"', 'authorization');
      return;
    }
    next();
  });
  api.get('/node-types', (_req, res) => {
    res.json({ nodeTypes: opts.registry.descriptors() });
  });
  app.use('/api', api);

  app.use((req, res) => sendError(res, 404, 'not_found', `no route ${req.method} ${req.path}`));
  // Express recognises error handlers by their four parameters.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (err instanceof ForesightError) return sendError(res, err.code === 'not_found' ? 404 : 400, err.code, err.message, err.field);
    if (e?.type === 'entity.parse.failed') return sendError(res, 400, 'invalid_json', 'body: not valid JSON', 'body');
    if (typeof e?.status === 'number' && e.status < 500) return sendError(res, e.status, 'bad_request', e.message ?? 'bad request');
    console.error(err);
    sendError(res, 500, 'internal', 'internal error; see the server log');
  });
  return app;
}
