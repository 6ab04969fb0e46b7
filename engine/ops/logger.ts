import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';

/** JSON lines on stdout; secrets are redacted wherever they appear in a logged request. */
export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'foresight' },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', '*.password'], censor: '[redacted]' },
    },
    opts.destination,
  );
}

/** What a request log line may show of the request that express handled. */
interface LoggedRequest {
  method?: string;
  originalUrl?: string;
  url?: string;
  baseUrl?: string;
  route?: { path?: unknown };
}

/**
 * The request's URL fit for a log: the matched route pattern instead of the
 * path (`/api/customers/:externalId`, `/t/click/:token`), so customer ids,
 * emails and signed tokens in paths never reach the log, and query values
 * (a search by email) replaced. Unmatched paths keep only their first segments.
 *
 * @example loggedUrl({ baseUrl: '', route: { path: '/api/customers/:externalId' }, originalUrl: '/api/customers/ann?x=1' }) // '/api/customers/:externalId?x=[redacted]'
 */
export function loggedUrl(req: LoggedRequest): string {
  const full = req.originalUrl ?? req.url ?? '';
  const q = full.indexOf('?');
  const query = q < 0 ? '' : `?${[...new URLSearchParams(full.slice(q + 1)).keys()].map((k) => `${encodeURIComponent(k)}=[redacted]`).join('&')}`;
  const path = typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : `${(q < 0 ? full : full.slice(0, q)).split('/').slice(0, 3).join('/')}/…`;
  return path + query;
}

/**
 * pino-http options that keep personal data out of request logs: the request
 * and response without headers, params or query (they carry ids, emails,
 * cookies, file names), and the URL redacted, added when the response is
 * logged because only then is the matched route known.
 */
export const requestLogOptions = {
  serializers: {
    req: (req: { id?: unknown; method?: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, remoteAddress: req.remoteAddress }),
    res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  },
  customSuccessObject: (req: IncomingMessage, _res: ServerResponse, val: object) => ({ ...val, url: loggedUrl(req as LoggedRequest) }),
  customErrorObject: (req: IncomingMessage, _res: ServerResponse, _err: Error, val: object) => ({ ...val, url: loggedUrl(req as LoggedRequest) }),
};
