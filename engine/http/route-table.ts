import express, { type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { Principal } from '../auth/service.ts';
import { sameSecret } from '../auth/tokens.ts';
import { ForesightError } from '../core/errors.ts';
import { tooDeep } from '../ingest/limits.ts';
import { zodFailure } from './errors.ts';

/**
 * Who may call a route:
 * - public: anyone (health, login, docs);
 * - ingest: any credential, including a `track`-scoped key (tracking from a website);
 * - builder: an `admin` key or any signed-in user;
 * - admin: an `admin` key or a signed-in user with the admin role (users, keys).
 */
export type Access = 'public' | 'ingest' | 'builder' | 'admin';
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerInput<B, Q> {
  body: Out<B>;
  query: Out<Q>;
  params: Record<string, string>;
  principal: Principal | null;
  req: Request;
  res: Response;
}

export interface RouteDef<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined> {
  method: Method;
  /** Express path syntax with `:param`s, starting with /api. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: B;
  query?: Q;
  /** What the OpenAPI document shows as the body when it differs from the envelope validated up front (e.g. items checked one by one). */
  docBody?: z.ZodType;
  /** Largest accepted JSON body (default 1 MB). */
  bodyLimit?: string;
  /** Extra middleware before validation, e.g. a rate limit. */
  before?: RequestHandler[];
  /** Success status (default 200). */
  status?: number;
  /** The success body, for the OpenAPI document. */
  response?: z.ZodType;
  /** Callable from any web page (a shop's site sends tracking from the browser): CORS without credentials, so cookies never ride along. */
  cors?: boolean;
  /** A JSON result is sent as the response; return undefined after writing `res` yourself. */
  handler(input: HandlerInput<B, Q>): unknown;
}

export function principalOf(res: Response): Principal | null {
  return (res.locals.principal as Principal | undefined) ?? null;
}

function allowed(access: Access, p: Principal | null): boolean {
  if (access === 'public') return true;
  if (!p) return false;
  if (access === 'ingest') return true;
  if (p.kind === 'key') return p.scope === 'admin';
  return access === 'builder' || p.user.role === 'admin';
}

const cors: RequestHandler = (_req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Max-Age', '86400');
  next();
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Guards a route: 401 without credentials, 403 with too little scope or a missing CSRF token. */
function guard(access: Access): RequestHandler {
  return (req, res, next) => {
    const p = principalOf(res);
    if (allowed(access, p)) {
      // A cookie rides along on cross-site requests; the CSRF header cannot, so it proves intent.
      if (access !== 'public' && p?.kind === 'session' && !SAFE_METHODS.has(req.method) && !sameSecret(req.get('x-csrf-token') ?? '', p.csrfToken)) {
        return next(new ForesightError('csrf', 'x-csrf-token: send the csrfToken from login or /api/auth/me in the X-CSRF-Token header', { field: 'x-csrf-token' }));
      }
      return next();
    }
    if (!p) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return next(new ForesightError('unauthorized', 'sign in, or send an API key as "Authorization: Bearer <key>"', { field: 'authorization' }));
    }
    const what = p.kind === 'key' ? `an API key with scope "${p.scope}"` : `a user with role "${p.user.role}"`;
    next(new ForesightError('forbidden', `${what} cannot use this endpoint; it needs ${access === 'admin' ? 'an admin' : 'an admin-scoped key or a signed-in user'}`, { field: 'authorization' }));
  };
}

/**
 * The API's routes as data: each is mounted on express with its guard, body
 * limit and zod validation, and the same list generates the OpenAPI document,
 * so documentation and validation cannot drift apart.
 */
export class RouteTable {
  readonly routes: RouteDef<z.ZodType | undefined, z.ZodType | undefined>[] = [];

  add<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(def: RouteDef<B, Q>): void {
    this.routes.push(def as unknown as RouteDef<z.ZodType | undefined, z.ZodType | undefined>);
  }

  mount(router: express.Router): void {
    for (const r of this.routes) {
      const chain: RequestHandler[] = [...(r.cors ? [cors] : []), guard(r.access), ...(r.before ?? [])];
      // The browser's preflight carries no credentials by design; it only learns what it may send.
      if (r.cors) router.options(r.path, cors, (_req, res) => res.status(204).end());
      if (r.body) chain.push(express.json({ limit: r.bodyLimit ?? '1mb' }));
      chain.push(async (req, res) => {
        const body = r.body ? parse(r.body, req.body, 'body') : undefined;
        const query = r.query ? parse(r.query, req.query, 'query') : undefined;
        const out = await r.handler({ body, query, params: req.params as Record<string, string>, principal: principalOf(res), req, res });
        if (out !== undefined && !res.headersSent) res.status(r.status ?? 200).json(out);
      });
      router[r.method](r.path, ...chain);
    }
  }
}

/** Nesting any JSON body may have; recursive code behind a route (segment trees, zod) must never meet a deeper one. */
export const MAX_BODY_DEPTH = 64;

function parse(schema: z.ZodType, value: unknown, where: 'body' | 'query'): unknown {
  if (where === 'body' && value === undefined) {
    throw new ForesightError('unsupported_media_type', 'body: send a JSON body with "Content-Type: application/json"', { field: 'body' });
  }
  const deep = where === 'body' ? tooDeep(value, MAX_BODY_DEPTH) : null;
  if (deep) {
    const field = ['body', ...deep.slice(0, 8).map(String)].join('.');
    throw new ForesightError('invalid_input', `${field}: nested deeper than ${MAX_BODY_DEPTH} levels; flatten it`, { field });
  }
  const r = schema.safeParse(value);
  if (!r.success) throw zodFailure(r.error, where);
  return r.data;
}
