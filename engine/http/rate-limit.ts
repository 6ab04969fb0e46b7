import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { principalOf } from './route-table.ts';
import { sendError } from './errors.ts';

/** Ingestion: per API key (or per IP for sessions), so one noisy site cannot starve the others. */
export function ingestLimiter(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      const p = principalOf(res);
      if (p?.kind === 'key' && p.keyId !== null) return `key:${p.keyId}`;
      return `ip:${ipKeyGenerator(req.ip ?? '')}`;
    },
    handler: (_req, res) => sendError(res, 429, 'rate_limited', `too many ingestion requests; at most ${perMinute} per minute per key; send items in /api/batch`, 'authorization'),
  });
}

/** Login: failed attempts per IP; successful logins do not count. */
export function loginLimiter(per15Minutes: number): RequestHandler {
  return rateLimit({
    windowMs: 15 * 60_000,
    limit: per15Minutes,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    handler: (_req, res) => sendError(res, 429, 'rate_limited', 'too many failed sign-in attempts; wait 15 minutes and try again', 'email'),
  });
}
