import { z } from 'zod';
import type { Principal } from '../../auth/service.ts';
import { ForesightError } from '../../core/errors.ts';
import { clearSessionCookie, setSessionCookie } from '../authenticate.ts';
import type { ApiContext } from '../context.ts';
import { loginLimiter } from '../rate-limit.ts';
import type { RouteTable } from '../route-table.ts';

const email = z.string().trim().email('not a valid email address').max(320);
const loginBody = z.object({ email, password: z.string().min(1, 'give the password').max(1024) });
const setupBody = z.object({ token: z.string().min(1), email, password: z.string().max(1024) });
const userBody = z.object({ email, password: z.string().max(1024), role: z.enum(['admin', 'editor']).default('editor') });
const passwordBody = z.object({ password: z.string().max(1024) });

function me(p: Principal | null) {
  if (p?.kind === 'session') return { user: { email: p.user.email, role: p.user.role }, csrfToken: p.csrfToken };
  // An API key is not a user: it needs no CSRF token because browsers never attach it on their own.
  return { user: null, csrfToken: null, key: { scope: p?.kind === 'key' ? p.scope : null } };
}

export function authRoutes(t: RouteTable, ctx: ApiContext): void {
  const login = async (res: Parameters<typeof setSessionCookie>[0], emailAddr: string, password: string) => {
    const s = await ctx.auth.login(emailAddr, password);
    setSessionCookie(res, s.token, s.ttlMs, ctx.secureCookies);
    return { user: { email: s.user.email, role: s.user.role }, csrfToken: s.csrfToken };
  };

  t.add({
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: 'Sign in; sets an HttpOnly SameSite=Strict session cookie and returns the CSRF token',
    access: 'public',
    body: loginBody,
    before: loginLimiter(ctx.limits.loginPer15Minutes, ctx.limits.loginPerIpPer15Minutes),
    handler: ({ body, res }) => login(res, body.email, body.password),
  });
  t.add({ method: 'get', path: '/api/auth/me', tag: 'auth', summary: 'The signed-in user and CSRF token', access: 'builder', handler: ({ principal }) => me(principal) });
  t.add({
    method: 'post',
    path: '/api/auth/logout',
    tag: 'auth',
    summary: 'Sign out: ends the session',
    access: 'builder',
    handler: async ({ principal, res }) => {
      if (principal?.kind === 'session') await ctx.auth.logout(principal.tokenHash);
      clearSessionCookie(res, ctx.secureCookies);
      return { ok: true };
    },
  });
  t.add({ method: 'get', path: '/api/auth/setup', tag: 'auth', summary: 'Whether the first admin still has to be created', access: 'public', handler: () => ({ pending: ctx.firstAdmin.pending }) });
  t.add({
    method: 'post',
    path: '/api/auth/setup',
    tag: 'auth',
    summary: 'Create the first admin with the one-time setup token printed at start-up, and sign in',
    access: 'public',
    body: setupBody,
    before: loginLimiter(ctx.limits.loginPer15Minutes, ctx.limits.loginPerIpPer15Minutes),
    handler: async ({ body, res }) => {
      await ctx.firstAdmin.complete(body.token, body.email, body.password);
      return login(res, body.email, body.password);
    },
  });
  t.add({
    method: 'post',
    path: '/api/auth/password',
    tag: 'auth',
    summary: 'Change your own password; ends all your sessions',
    access: 'builder',
    body: passwordBody,
    handler: async ({ body, principal, res }) => {
      if (principal?.kind !== 'session') throw new ForesightError('forbidden', 'authorization: only a signed-in user has a password', { field: 'authorization' });
      await ctx.auth.changePassword(principal.user.id, body.password);
      clearSessionCookie(res, ctx.secureCookies);
      return { ok: true };
    },
  });
  t.add({ method: 'get', path: '/api/users', tag: 'auth', summary: 'List builder users', access: 'admin', handler: async () => ({ users: await ctx.auth.listUsers() }) });
  t.add({
    method: 'post',
    path: '/api/users',
    tag: 'auth',
    summary: 'Create a builder user',
    access: 'admin',
    body: userBody,
    status: 201,
    handler: async ({ body }) => ({ user: await ctx.auth.createUser(body.email, body.password, body.role) }),
  });
}
