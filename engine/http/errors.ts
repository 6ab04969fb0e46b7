import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ForesightError } from '../core/errors.ts';
import { loggedUrl } from '../ops/logger.ts';

const STATUS: Record<string, number> = {
  not_found: 404,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf: 403,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
};

/** The error body every failure uses: `{ error: { code, message, field? } }` plus optional extras (e.g. `problems`). */
export function sendError(res: Response, status: number, code: string, message: string, field?: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: { code, message, ...(field ? { field } : {}) }, ...extra });
}

/** Turns a zod failure into a ForesightError that names the first offending field (with a prefix such as "body"). */
export function zodFailure(error: z.ZodError, where: string): ForesightError {
  const issue = error.issues[0]!;
  const field = [where, ...issue.path.map(String)].filter(Boolean).join('.');
  // A value over a size limit is a 413, like a body over the request limit.
  const code = issue.code === 'custom' && (issue.params as { status?: number } | undefined)?.status === 413 ? 'payload_too_large' : 'invalid_input';
  return new ForesightError(code, `${field}: ${issue.message}`, { field, details: error.issues.map((i) => ({ field: [where, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message })) });
}

export function notFound(req: Request, res: Response): void {
  sendError(res, 404, 'not_found', `no route ${req.method} ${req.path}`);
}

/** Express recognises error handlers by their four parameters. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;
    if (err instanceof ForesightError) {
      const extra = Array.isArray(err.details) && err.code !== 'invalid_input' ? { problems: err.details } : {};
      return sendError(res, STATUS[err.code] ?? 400, err.code, err.message, err.field, extra);
    }
    const e = err as { type?: string; status?: number; message?: string; limit?: number };
    if (e?.type === 'entity.parse.failed') return sendError(res, 400, 'invalid_json', 'body: not valid JSON; check quotes, commas and brackets', 'body');
    if (e?.type === 'entity.too.large') return sendError(res, 413, 'payload_too_large', `body: larger than the ${e.limit} bytes this endpoint accepts; send fewer items per request`, 'body');
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return sendError(res, 415, 'unsupported_media_type', `body: ${e.message}; send UTF-8 JSON`, 'body');
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, e.status, 'bad_request', e.message ?? 'bad request');
    log.error({ err, method: req.method, url: loggedUrl(req) }, 'request failed');
    sendError(res, 500, 'internal', 'internal error; see the server log');
  };
}
