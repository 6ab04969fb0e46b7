import express, { type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { principalOf } from './route-table.ts';
import { sendError } from './errors.ts';

/** Requests per second allowed to the caller: the key's own limit when it has one, else the server's; 0 is unlimited. */
function rateOf(res: Response, perSecond: number): number {
  const p = principalOf(res);
  return p?.kind === 'key' && p.rateLimit !== null ? p.rateLimit : perSecond;
}

/**
 * Ingestion: per API key (or per IP for sessions), so one noisy site cannot
 * starve the others. `perSecond` is the default (FORESIGHT_INGEST_RATE_LIMIT,
 * 0 = off); a key may carry its own, 0 for a trusted server-side key. Counted
 * over `windowMs` (one second in service; tests widen it so no window edge
 * falls inside them). Refusals carry `Retry-After`.
 */
export function ingestLimiter(perSecond: number, windowMs = 1000): RequestHandler {
  return rateLimit({
    windowMs,
    limit: (_req, res) => Math.max(1, Math.round((rateOf(res, perSecond) * windowMs) / 1000)),
    skip: (_req, res) => rateOf(res, perSecond) === 0,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      const p = principalOf(res);
      if (p?.kind === 'key' && p.keyId !== null) return `key:${p.keyId}`;
      return `ip:${ipKeyGenerator(req.ip ?? '')}`;
    },
    handler: (_req, res) =>
      sendError(res, 429, 'rate_limited', `too many ingestion requests; at most ${rateOf(res, perSecond)} per second for this key; wait for Retry-After, send items in /api/batch, or give the key a higher limit (foresight apikey create --rate-limit)`, 'authorization'),
  });
}

/**
 * Test sends go through the real mail server to any address: a few a minute per signed-in user
 * (or key) is plenty for checking a template, and keeps a leaked session from becoming a mail cannon.
 */
export function testSendLimiter(perMinute = 10): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      const p = principalOf(res);
      if (p?.kind === 'session') return `user:${p.user.id}`;
      if (p?.kind === 'key' && p.keyId !== null) return `key:${p.keyId}`;
      return `ip:${ipKeyGenerator(req.ip ?? '')}`;
    },
    handler: (_req, res) => sendError(res, 429, 'rate_limited', `too many test sends; at most ${perMinute} a minute; wait for Retry-After`, 'authorization'),
  });
}

const failedSignIns = (limit: number, key: (req: Request) => string, message: string): RequestHandler =>
  rateLimit({
    windowMs: 15 * 60_000,
    limit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (_req, res) => sendError(res, 429, 'rate_limited', message, 'email'),
  });

/**
 * Sign-in: failed attempts counted per IP and account, so someone guessing
 * one account from a shared IP does not lock its colleagues out, plus a higher
 * ceiling per IP over all accounts against guessing many. Successful sign-ins
 * do not count. The body is parsed here because the account is in it.
 */
export function loginLimiter(perAccount: number, perIp: number): RequestHandler[] {
  const ip = (req: Request) => ipKeyGenerator(req.ip ?? '');
  const account = (req: Request) => {
    const email = (req.body as { email?: unknown } | undefined)?.email;
    return `${ip(req)}|${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
  };
  return [
    express.json({ limit: '16kb' }),
    failedSignIns(perIp, ip, 'too many failed sign-in attempts from this address; wait 15 minutes and try again'),
    failedSignIns(perAccount, account, 'too many failed sign-in attempts for this account; wait 15 minutes and try again'),
  ];
}
