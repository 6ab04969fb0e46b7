import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../core/errors.ts';
import { RefusedAddressError, resolveAllowed } from './address.ts';

/** An answer read whole: small API responses, not downloads. */
export interface HttpResponse {
  status: number;
  ok: boolean;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parses `text` as JSON; throws with the status when it is not. */
  json<T = unknown>(): T;
}

/** Options of one `http.request`. */
export interface HttpRequest {
  /** Default GET, or POST with a body. */
  method?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON (with its content type). */
  body?: unknown;
  /** Per attempt, default 10 s. */
  timeoutMs?: number;
  /** Further attempts after a network error, a timeout, 408, 425, 429 or 5xx (default 2). */
  retries?: number;
  /** Permit loopback, private and link-local targets (default: refused, against SSRF). */
  allowPrivate?: boolean;
}

/**
 * Outside HTTP as a node or effect should do it: bounded by a timeout,
 * retried on transient failures, and refused for private addresses unless
 * allowed, so a URL typed in the builder cannot reach internal services.
 */
export interface HttpService {
  request(url: string, req?: HttpRequest): Promise<HttpResponse>;
}

/** Status codes worth another attempt: timeouts, rate limits and server errors. */
export const retryableStatus = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

/** Is this error the private-address guard refusing the target? */
export function isRefused(err: unknown): boolean {
  return err instanceof RefusedAddressError || (err as { cause?: unknown }).cause instanceof RefusedAddressError;
}

/** One request through the address guard; the guard checks the address actually connected to. */
export async function guardedRequest(target: URL, opts: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number; allowPrivate: boolean }): Promise<Omit<HttpResponse, 'ok' | 'json'>> {
  // Literal IP hosts skip the connection's lookup: check them here.
  if (isIP(target.hostname.replace(/^\[|\]$/g, ''))) await resolveAllowed(target.hostname, opts.allowPrivate);
  // Resolve-and-check inside the connection's own lookup, so the address checked is the one connected to.
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolveAllowed(hostname, opts.allowPrivate).then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
  const client = target.protocol === 'https:' ? https : http;
  const headers = opts.body === undefined ? opts.headers : { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) };
  return new Promise((resolve, reject) => {
    const req = client.request(target, { method: opts.method, headers, lookup, signal: AbortSignal.timeout(opts.timeoutMs) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Shared default: guarded, private addresses refused. */
export const defaultHttpService = (): HttpService => (shared ??= createHttpService());
let shared: HttpService | undefined;

/** The `ctx.services.http` behind nodes and effects. `allowPrivate` here allows it for every request (FORESIGHT_WEBHOOK_ALLOW_PRIVATE). */
export function createHttpService(defaults: { allowPrivate?: boolean; timeoutMs?: number; retries?: number; retryDelayMs?: number } = {}): HttpService {
  return {
    async request(url, req = {}) {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        throw new TypeError(`http: "${url}" is not an absolute URL; write it as https://host/path`);
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TypeError(`http: ${target.protocol} URLs are not supported; use http or https`);
      const json = req.body !== undefined && typeof req.body !== 'string';
      const body = req.body === undefined ? undefined : json ? JSON.stringify(req.body) : String(req.body);
      const headers = { ...(json ? { 'content-type': 'application/json' } : {}), ...req.headers };
      const retries = req.retries ?? defaults.retries ?? 2;
      const opts = { method: req.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, timeoutMs: req.timeoutMs ?? defaults.timeoutMs ?? 10_000, allowPrivate: Boolean(req.allowPrivate || defaults.allowPrivate) };
      for (let attempt = 0; ; attempt++) {
        let answer: Awaited<ReturnType<typeof guardedRequest>> | undefined;
        let failure: unknown;
        try {
          answer = await guardedRequest(target, opts);
        } catch (err) {
          if (isRefused(err)) throw new Error(`http: refused ${target.host}: ${errorMessage(err)}; a plugin may pass allowPrivate for internal services`, { cause: err });
          failure = err;
        }
        const transient = answer ? retryableStatus(answer.status) : true;
        if (!transient || attempt >= retries) {
          if (!answer) throw new Error(`http: ${opts.method} ${target.host} failed after ${attempt + 1} attempt(s): ${errorMessage(failure)}`, { cause: failure });
          const { status, text } = answer;
          return {
            ...answer,
            ok: status >= 200 && status < 300,
            json<T>() {
              try {
                return JSON.parse(text) as T;
              } catch {
                throw new Error(`http: ${target.host} answered ${status} with a body that is not JSON: ${text.slice(0, 100)}`);
              }
            },
          };
        }
        // Real time on purpose: this waits on the outside world, not on journey time.
        await sleep((defaults.retryDelayMs ?? 200) * 2 ** attempt);
      }
    },
  };
}
