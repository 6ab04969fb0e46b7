import { z } from 'zod';
import { ForesightError } from './core/errors.ts';

/**
 * Process configuration: read from the environment, overridden by CLI flags.
 * Every invalid value fails fast with one message naming the variable and the fix,
 * because a half-configured server is worse than one that does not start.
 */
export interface Config {
  db: string;
  port: number;
  apiKey: string | undefined;
  plugins: string[];
  /** First admin of the builder, created on first start when no user exists. */
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Mark session cookies Secure: set when the server is reached over HTTPS. */
  secureCookies: boolean;
}

const portSchema = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const fields = {
  db: { env: 'FORESIGHT_DB', flag: '--db', schema: z.string().trim().min(1, 'must not be empty'), fix: 'set it to a SQLite file path, e.g. ./foresight.db' },
  port: { env: 'PORT', flag: '--port', schema: portSchema, fix: 'set it to a TCP port, e.g. 4000' },
  apiKey: {
    env: 'FORESIGHT_API_KEY',
    flag: '--api-key',
    schema: z.string().min(16, 'must be at least 16 characters').regex(/^\S+$/, 'must not contain spaces'),
    fix: 'set it to a random string of 16+ characters (e.g. `openssl rand -hex 24`), or unset it to get a generated key',
  },
  plugins: { env: 'FORESIGHT_PLUGINS', flag: '--plugins', schema: z.string(), fix: 'give a comma-separated list of plugin file paths or npm package names' },
  adminEmail: { env: 'FORESIGHT_ADMIN_EMAIL', flag: '--admin-email', schema: z.email('must be an email address'), fix: 'set it to the first admin\'s email, e.g. admin@example.com' },
  adminPassword: { env: 'FORESIGHT_ADMIN_PASSWORD', flag: '--admin-password', schema: z.string().min(10, 'must be at least 10 characters'), fix: 'set a password of 10+ characters (only used to create the first admin)' },
  logLevel: { env: 'FORESIGHT_LOG_LEVEL', flag: '--log-level', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), fix: 'use one of fatal, error, warn, info, debug, trace, silent' },
  secureCookies: { env: 'FORESIGHT_SECURE_COOKIES', flag: '--secure-cookies', schema: z.enum(['true', 'false', '1', '0']), fix: 'set it to true behind HTTPS, false otherwise' },
} as const;

type Key = keyof typeof fields;

function check<K extends Key>(key: K, raw: string, fromFlag: boolean): z.output<(typeof fields)[K]['schema']> {
  const f = fields[key];
  const r = f.schema.safeParse(raw);
  if (!r.success) {
    const where = fromFlag ? f.flag : f.env;
    throw new ForesightError('invalid_config', `${where}=${JSON.stringify(raw)}: ${r.error.issues[0]!.message}; ${f.fix}`, { field: where });
  }
  return r.data as z.output<(typeof fields)[K]['schema']>;
}

export interface ConfigOverrides {
  db?: string;
  port?: string | number;
  apiKey?: string;
  plugins?: string;
  adminEmail?: string;
  adminPassword?: string;
  logLevel?: string;
  secureCookies?: string | boolean;
}

/** Resolves config from env (defaults applied) with CLI flag overrides on top. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigOverrides = {}): Config {
  const pick = (key: Key, flag: string | number | undefined): { raw: string; fromFlag: boolean } | null => {
    if (flag !== undefined) return { raw: String(flag), fromFlag: true };
    const v = env[fields[key].env];
    // An empty variable counts as unset, as shells commonly export VAR= to clear it.
    return v === undefined || v === '' ? null : { raw: v, fromFlag: false };
  };
  const db = pick('db', flags.db);
  const port = pick('port', flags.port);
  const apiKey = pick('apiKey', flags.apiKey);
  const plugins = pick('plugins', flags.plugins);
  const adminEmail = pick('adminEmail', flags.adminEmail);
  const adminPassword = pick('adminPassword', flags.adminPassword);
  const logLevel = pick('logLevel', flags.logLevel);
  const secureCookies = pick('secureCookies', flags.secureCookies === undefined ? undefined : String(flags.secureCookies));
  return {
    db: db ? check('db', db.raw, db.fromFlag) : './foresight.db',
    port: port ? check('port', port.raw, port.fromFlag) : 4000,
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
  };
}
