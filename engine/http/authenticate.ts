import type { RequestHandler, Response } from 'express';
import type { AuthService } from '../auth/service.ts';
import { ForesightError } from '../core/errors.ts';

export const SESSION_COOKIE = 'foresight_session';

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** `Max-Age`, not `Expires`: the browser's wall clock must not matter when the server runs on a virtual clock. */
export function setSessionCookie(res: Response, token: string, lifetimeMs: number, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: Math.max(0, lifetimeMs) });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

/**
 * Finds out who is calling (a bearer API key, else the session cookie) and
 * leaves it in `res.locals.principal`. A bearer key that does not check out is
 * refused at once rather than silently treated as anonymous.
 */
export function authenticate(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const p = m ? await auth.apiKey(m[1]!) : null;
      if (!p) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return next(new ForesightError('unauthorized', 'authorization: the API key is unknown or revoked; send "Authorization: Bearer <key>"', { field: 'authorization' }));
      }
      res.locals.principal = p;
      return next();
    }
    const token = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (token) res.locals.principal = await auth.session(token);
    next();
  };
}
