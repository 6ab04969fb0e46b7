import express, { type Request, type RequestHandler } from 'express';
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
