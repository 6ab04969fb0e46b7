import { z } from 'zod';
import { isDuration, parseDuration } from './core/duration.ts';
import { ForesightError } from './core/errors.ts';
import { senderProblem } from './messaging/sender.ts';
import { DEFAULT_ALLOWED_LATENESS_MS } from './executor/event-time.ts';

/** Ingestion requests per second per key: sized for a shop's peak with one event per request; bulk senders use /api/batch. */
export const DEFAULT_INGEST_RATE_LIMIT = 500;

/**
 * Process configuration: read from the environment, overridden by CLI flags.
 * Every invalid value fails fast with one message naming the variable and the fix,
 * because a half-configured server is worse than one that does not start.
 */
export interface Config {
  /** A SQLite file path, or a postgres:// URL (PostgreSQL, for many workers). */
  db: string;
  /** PostgreSQL connection settings (ignored on SQLite). */
  pg: { poolSize: number; statementTimeoutMs: number };
  /** How long a worker's claim on runs, events and deliveries lasts: after a crash, others take its work over after this. */
  leaseMs: number;
  port: number;
  /** Interface the HTTP server listens on: 0.0.0.0 (all), or e.g. 127.0.0.1 behind a local reverse proxy. */
  host: string;
  /** Ingestion requests per second per API key without its own limit; 0: unlimited. */
  ingestRateLimit: number;
  apiKey: string | undefined;
  plugins: string[];
  /** First admin of the builder, created on first start when no user exists. */
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Mark session cookies Secure: set when the server is reached over HTTPS. */
  secureCookies: boolean;
  /** Express `trust proxy`: behind a reverse proxy, client IPs (rate limits, logs) come from X-Forwarded-For. */
  trustProxy: boolean | number | string;
  messaging: MessagingConfig;
  /** How long after it happened an event may arrive and still change journey runs (event time; engine/executor/event-time.ts). */
  allowedLatenessMs: number;
  /** Ended runs' step history and deliveries, and processed events, older than this are removed (engine/jobs/retention.ts); 0 keeps all. */
  retentionMs: number;
}

/** Email and webhook delivery settings: `builtinRegistry(config.messaging)`. */
export interface MessagingConfig {
  /** SMTP server URL; without it emails are recorded as failed ("not configured"). */
  smtpUrl?: string;
  mailFrom?: string;
  /** Base URL of this server as recipients reach it; tracking links point at `<publicUrl>/t/...`. */
  publicUrl: string;
  /** Signs tracking links and webhooks. */
  secret?: string;
  /** Let webhooks reach private, loopback and link-local addresses (off by default: SSRF). */
  webhookAllowPrivate: boolean;
  /** Max marketing emails per customer within a window, across journeys. */
  frequencyCap: { max: number; window: string };
  /** Max emails of any kind per customer within a window: the backstop against a looping journey. */
  sendRate: { max: number; window: string };
  /** Shared message budget per customer per window across journeys, arbitrated by journey priority; null: no budget. */
  messageBudget: { max: number; window: string } | null;
}

const portSchema = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const isLongerThanZero = (v: string) => parseDuration(v) > 0;
/**
 * A duration that means nothing at zero: a counting window of no length counts no earlier send, so
 * the cap or limit it belongs to would never hold a message back; a lease of no length holds nothing.
 */
const positiveDuration = z.string().refine(isDuration, 'must be a duration').refine((v) => !isDuration(v) || isLongerThanZero(v), 'must be a duration longer than 0');

const fields = {
  db: {
    env: 'FORESIGHT_DB',
    flag: '--db',
    schema: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .refine((v) => !/^postgres(ql)?:/i.test(v) || URL.canParse(v), 'is not a valid postgres:// URL'),
    fix: 'set it to a SQLite file path, e.g. ./foresight.db, or a PostgreSQL URL, e.g. postgres://foresight:secret@db.internal:5432/foresight',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    flag: '--db',
    schema: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
    fix: 'e.g. postgres://foresight:secret@db.internal:5432/foresight, or unset it to use the SQLite file FORESIGHT_DB',
  },
  poolSize: { env: 'FORESIGHT_DB_POOL', flag: '--db-pool', schema: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000'), fix: 'set it to the PostgreSQL connections per process, e.g. 10' },
  lease: { env: 'FORESIGHT_LEASE', flag: '--lease', schema: positiveDuration, fix: 'write a number and a unit longer than one batch takes, e.g. 60s' },
  statementTimeout: { env: 'FORESIGHT_DB_STATEMENT_TIMEOUT', flag: '--db-statement-timeout', schema: z.string().refine(isDuration, 'must be a duration'), fix: 'write a number and a unit, e.g. 30s' },
  port: { env: 'PORT', flag: '--port', schema: portSchema, fix: 'set it to a TCP port, e.g. 4000' },
  host: {
    env: 'HOST',
    flag: '--host',
    schema: z.string().regex(/^[\w.:-]+$/, 'must be an address or host name of this machine'),
    fix: 'e.g. 127.0.0.1 to listen only locally (behind a reverse proxy), or 0.0.0.0 for every interface',
  },
  ingestRateLimit: {
    env: 'FORESIGHT_INGEST_RATE_LIMIT',
    flag: '--ingest-rate-limit',
    schema: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (unlimited) or more'),
    fix: 'set it to the ingestion requests per second one API key may send, e.g. 500, or 0 for no limit',
  },
  apiKey: {
    env: 'FORESIGHT_API_KEY',
    flag: '--api-key',
    schema: z.string().min(16, 'must be at least 16 characters').regex(/^\S+$/, 'must not contain spaces'),
    fix: 'set it to a random string of 16+ characters (e.g. `openssl rand -hex 24`), or unset it and create keys with `foresight apikey create`',
  },
  plugins: { env: 'FORESIGHT_PLUGINS', flag: '--plugins', schema: z.string(), fix: 'give a comma-separated list of plugin file paths or npm package names' },
  adminEmail: { env: 'FORESIGHT_ADMIN_EMAIL', flag: '--admin-email', schema: z.email('must be an email address'), fix: 'set it to the first admin\'s email, e.g. admin@example.com' },
  adminPassword: { env: 'FORESIGHT_ADMIN_PASSWORD', flag: '--admin-password', schema: z.string().min(10, 'must be at least 10 characters'), fix: 'set a password of 10+ characters (only used to create the first admin)' },
  logLevel: { env: 'FORESIGHT_LOG_LEVEL', flag: '--log-level', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), fix: 'use one of fatal, error, warn, info, debug, trace, silent' },
  secureCookies: { env: 'FORESIGHT_SECURE_COOKIES', flag: '--secure-cookies', schema: z.enum(['true', 'false', '1', '0']), fix: 'set it to true behind HTTPS, false otherwise' },
  trustProxy: {
    env: 'FORESIGHT_TRUST_PROXY',
    flag: '--trust-proxy',
    schema: z.string().regex(/^(true|false|\d+|[\w.:/, -]+)$/, 'must be true, false, a number of proxy hops or a list of proxy addresses'),
    fix: 'e.g. 1 behind one reverse proxy, or loopback, 10.0.0.0/8',
  },
  smtpUrl: { env: 'FORESIGHT_SMTP_URL', flag: '--smtp-url', schema: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }), fix: 'e.g. smtp://user:pass@mail.example.com:587' },
  mailFrom: {
    env: 'FORESIGHT_MAIL_FROM',
    flag: '--mail-from',
    schema: z.string().refine((v) => senderProblem(v) === null, 'must be one email address'),
    fix: 'e.g. "Shop <news@shop.example>" or news@shop.example',
  },
  publicUrl: { env: 'FORESIGHT_PUBLIC_URL', flag: '--public-url', schema: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }), fix: 'set it to the URL recipients reach this server at, e.g. https://foresight.shop.example' },
  secret: { env: 'FORESIGHT_SECRET', flag: '--secret', schema: z.string().min(32, 'must be at least 32 characters'), fix: 'set it to a long random string (`openssl rand -hex 32`) and keep it: links in sent mail are signed with it' },
  webhookAllowPrivate: { env: 'FORESIGHT_WEBHOOK_ALLOW_PRIVATE', flag: '--webhook-allow-private', schema: z.enum(['true', 'false', '1', '0']), fix: 'set it to true only when webhooks must reach your own network' },
  capMax: { env: 'FORESIGHT_FREQUENCY_CAP_MAX', flag: '--frequency-cap-max', schema: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1'), fix: 'set it to the most marketing emails one customer may get per window, e.g. 5' },
  capWindow: { env: 'FORESIGHT_FREQUENCY_CAP_WINDOW', flag: '--frequency-cap-window', schema: positiveDuration, fix: 'write a number and a unit, e.g. 24h or 7d' },
  rateMax: { env: 'FORESIGHT_SEND_RATE_MAX', flag: '--send-rate-max', schema: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1'), fix: 'set it to the most emails of any kind one customer may get per window, e.g. 20' },
  messageBudget: {
    env: 'FORESIGHT_MESSAGE_BUDGET',
    flag: '--message-budget',
    schema: z
      .string()
      .refine((v) => /^[1-9]\d*\/\S+$/.test(v) && isDuration(v.slice(v.indexOf('/') + 1)), 'must be a count and a window')
      // A window of no length counts no earlier send, so the budget would never hold a message back.
      .refine((v) => !isDuration(v.slice(v.indexOf('/') + 1)) || isLongerThanZero(v.slice(v.indexOf('/') + 1)), 'must be a count and a window longer than 0'),
    fix: 'write the most marketing emails per customer, a slash and a window, e.g. 2/7d; journeys with a higher settings.priority win the budget',
  },
  rateWindow: { env: 'FORESIGHT_SEND_RATE_WINDOW', flag: '--send-rate-window', schema: positiveDuration, fix: 'write a number and a unit, e.g. 1h' },
  allowedLateness: {
    env: 'FORESIGHT_ALLOWED_LATENESS',
    flag: '--allowed-lateness',
    schema: z.string().refine(isDuration, 'must be a duration'),
    fix: 'write a number and a unit, e.g. 30m, 24h or 3d: how long after it happened an event may arrive and still change journeys',
  },
  retention: {
    env: 'FORESIGHT_RETENTION',
    flag: '--retention',
    schema: z.string().refine((v) => v === '0' || isDuration(v), 'must be a duration or 0'),
    fix: 'write a number and a unit, e.g. 90d or 52w, or 0 to keep everything',
  },
} as const;

/** Ended runs' history, deliveries and processed events are kept this long by default. */
export const DEFAULT_RETENTION = '90d';

type Key = keyof typeof fields;

/** Settings whose value is a secret: an error says how long it is, never what it is (logs and terminals get shared). */
const SECRETS: ReadonlySet<Key> = new Set(['apiKey', 'adminPassword', 'secret']);

/** A value as an error may show it: secrets hidden, a password inside a URL masked. */
function shown(key: Key, raw: string): string {
  if (SECRETS.has(key)) return `<hidden, ${raw.length} characters>`;
  return JSON.stringify(raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/i, '$1:***@'));
}

function check<K extends Key>(key: K, raw: string, fromFlag: boolean): z.output<(typeof fields)[K]['schema']> {
  const f = fields[key];
  const r = f.schema.safeParse(raw);
  if (!r.success) {
    const where = fromFlag ? f.flag : f.env;
    throw new ForesightError('invalid_config', `${where}=${shown(key, raw)}: ${r.error.issues[0]!.message}; ${f.fix}`, { field: where });
  }
  return r.data as z.output<(typeof fields)[K]['schema']>;
}

export interface ConfigOverrides {
  db?: string;
  port?: string | number;
  host?: string;
  ingestRateLimit?: string | number;
  apiKey?: string;
  plugins?: string;
  adminEmail?: string;
  adminPassword?: string;
  logLevel?: string;
  secureCookies?: string | boolean;
  trustProxy?: string;
  smtpUrl?: string;
  mailFrom?: string;
  publicUrl?: string;
  secret?: string;
  webhookAllowPrivate?: string | boolean;
  capMax?: string | number;
  capWindow?: string;
  rateMax?: string | number;
  rateWindow?: string;
  messageBudget?: string;
  allowedLateness?: string;
  retention?: string;
}

/** Resolves config from env (defaults applied) with CLI flag overrides on top. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigOverrides = {}): Config {
  const pick = (key: Key, flag: string | number | undefined): { raw: string; fromFlag: boolean } | null => {
    if (flag !== undefined) return { raw: String(flag), fromFlag: true };
    const v = env[fields[key].env];
    // An empty variable counts as unset, as shells commonly export VAR= to clear it.
    return v === undefined || v === '' ? null : { raw: v, fromFlag: false };
  };
  // FORESIGHT_DB (or --db) wins; DATABASE_URL, the usual variable of hosted PostgreSQL, is the fallback.
  const db = pick('db', flags.db);
  const databaseUrl = db ? null : pick('databaseUrl', undefined);
  const poolSize = pick('poolSize', undefined);
  const statementTimeout = pick('statementTimeout', undefined);
  const lease = pick('lease', undefined);
  const port = pick('port', flags.port);
  const host = pick('host', flags.host);
  const ingestRateLimit = pick('ingestRateLimit', flags.ingestRateLimit);
  const apiKey = pick('apiKey', flags.apiKey);
  const plugins = pick('plugins', flags.plugins);
  const adminEmail = pick('adminEmail', flags.adminEmail);
  const adminPassword = pick('adminPassword', flags.adminPassword);
  const logLevel = pick('logLevel', flags.logLevel);
  const secureCookies = pick('secureCookies', flags.secureCookies === undefined ? undefined : String(flags.secureCookies));
  const trustProxy = pick('trustProxy', flags.trustProxy);
  const allowedLateness = pick('allowedLateness', flags.allowedLateness);
  const retention = pick('retention', flags.retention);
  const retentionText = retention ? check('retention', retention.raw, retention.fromFlag) : DEFAULT_RETENTION;
  const messaging = messagingConfig((key, flag) => {
    const p = pick(key, flag === undefined ? undefined : String(flag));
    return p ? check(key, p.raw, p.fromFlag) : undefined;
  }, flags, port ? check('port', port.raw, port.fromFlag) : 4000);
  return {
    db: db ? check('db', db.raw, db.fromFlag) : databaseUrl ? check('databaseUrl', databaseUrl.raw, false) : './foresight.db',
    pg: {
      poolSize: poolSize ? check('poolSize', poolSize.raw, false) : 10,
      statementTimeoutMs: statementTimeout ? parseDuration(check('statementTimeout', statementTimeout.raw, false)) : 30_000,
    },
    leaseMs: lease ? parseDuration(check('lease', lease.raw, false)) : 60_000,
    port: port ? check('port', port.raw, port.fromFlag) : 4000,
    host: host ? check('host', host.raw, host.fromFlag) : '0.0.0.0',
    ingestRateLimit: ingestRateLimit ? check('ingestRateLimit', ingestRateLimit.raw, ingestRateLimit.fromFlag) : DEFAULT_INGEST_RATE_LIMIT,
    apiKey: apiKey ? check('apiKey', apiKey.raw, apiKey.fromFlag) : undefined,
    plugins: plugins
      ? check('plugins', plugins.raw, plugins.fromFlag)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
    adminEmail: adminEmail ? check('adminEmail', adminEmail.raw, adminEmail.fromFlag) : undefined,
    adminPassword: adminPassword ? check('adminPassword', adminPassword.raw, adminPassword.fromFlag) : undefined,
    logLevel: logLevel ? check('logLevel', logLevel.raw, logLevel.fromFlag) : 'info',
    secureCookies: secureCookies ? ['true', '1'].includes(check('secureCookies', secureCookies.raw, secureCookies.fromFlag)) : false,
    trustProxy: trustProxy ? proxySetting(check('trustProxy', trustProxy.raw, trustProxy.fromFlag)) : false,
    messaging,
    retentionMs: retentionAge(retentionText, retention?.fromFlag ? fields.retention.flag : fields.retention.env, messaging),
    allowedLatenessMs: allowedLateness ? parseDuration(check('allowedLateness', allowedLateness.raw, allowedLateness.fromFlag)) : DEFAULT_ALLOWED_LATENESS_MS,
  };
}

/**
 * The send rate limit and frequency cap count past deliveries: retention must not
 * remove them while a window still looks at them.
 */
function retentionAge(text: string, where: string, messaging: MessagingConfig): number {
  if (text === '0') return 0;
  const ms = parseDuration(text);
  const windows: [string, string][] = [['FORESIGHT_FREQUENCY_CAP_WINDOW', messaging.frequencyCap.window], ['FORESIGHT_SEND_RATE_WINDOW', messaging.sendRate.window]];
  if (messaging.messageBudget) windows.push(['FORESIGHT_MESSAGE_BUDGET', messaging.messageBudget.window]);
  for (const [name, window] of windows) {
    if (ms < parseDuration(window)) throw new ForesightError('invalid_config', `${where}=${JSON.stringify(text)}: must be at least ${name} (${window}), or deliveries it counts would be removed; ${fields.retention.fix}`, { field: where });
  }
  return ms;
}

/** `2/7d` → at most 2 marketing emails per customer per 7 days (already checked by its schema). */
function budgetSetting(text: string | undefined): MessagingConfig['messageBudget'] {
  if (!text) return null;
  const [max, window] = text.split('/') as [string, string];
  return { max: Number(max), window };
}

/** "true"/"false" and hop counts become what express expects; anything else is a list of trusted addresses. */
function proxySetting(raw: string): boolean | number | string {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

type Read = <K extends Key>(key: K, flag: string | number | boolean | undefined) => z.output<(typeof fields)[K]['schema']> | undefined;

function messagingConfig(read: Read, flags: ConfigOverrides, port: number): MessagingConfig {
  const smtpUrl = read('smtpUrl', flags.smtpUrl);
  const secret = read('secret', flags.secret);
  const mailFrom = read('mailFrom', flags.mailFrom);
  // Every mail carries signed unsubscribe links: refuse to start half-configured. The sender may come
  // from the brand (Brand page) or the node instead of FORESIGHT_MAIL_FROM; the publish checklist blocks a mail with none.
  if (smtpUrl && !secret) throw new ForesightError('invalid_config', `FORESIGHT_SECRET: required when FORESIGHT_SMTP_URL is set; ${fields.secret.fix}`, { field: 'FORESIGHT_SECRET' });
  const allowPrivate = read('webhookAllowPrivate', flags.webhookAllowPrivate);
  return {
    smtpUrl,
    mailFrom,
    publicUrl: (read('publicUrl', flags.publicUrl) ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    secret,
    webhookAllowPrivate: allowPrivate === 'true' || allowPrivate === '1',
    frequencyCap: { max: read('capMax', flags.capMax) ?? 5, window: read('capWindow', flags.capWindow) ?? '7d' },
    sendRate: { max: read('rateMax', flags.rateMax) ?? 20, window: read('rateWindow', flags.rateWindow) ?? '1h' },
    messageBudget: budgetSetting(read('messageBudget', flags.messageBudget)),
  };
}
