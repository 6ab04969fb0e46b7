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
