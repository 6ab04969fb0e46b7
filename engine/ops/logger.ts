import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

/**
 * How log lines are written: one readable line each (pino-pretty) for a person at a terminal,
 * JSON lines for anything else (a file, a pipe, a log shipper), which must stay machine-readable.
 *
 * @example logFormat(true)  // 'pretty'
 * @example logFormat(false) // 'json'
 */
export function logFormat(stdoutIsTty: boolean): 'pretty' | 'json' {
  return stdoutIsTty ? 'pretty' : 'json';
}

/** Log lines on stdout (readable on a terminal, JSON otherwise); secrets are redacted wherever they appear in a logged request. */
export function createLogger(opts: { level?: string; destination?: pino.DestinationStream; stdoutIsTty?: boolean } = {}): Logger {
  // In-process and synchronous, so the last lines before an exit are not lost (a transport thread could drop them).
  const pretty = () => pinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service', singleLine: true, sync: true });
  const destination = opts.destination ?? (logFormat(opts.stdoutIsTty ?? Boolean(process.stdout.isTTY)) === 'pretty' ? pretty() : undefined);
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'foresight' },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', '*.password'], censor: '[redacted]' },
    },
    destination,
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
  // One line per request is noise at `info` (the builder polls every few seconds); server errors stay errors.
  customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? ('error' as const) : ('debug' as const)),
};
