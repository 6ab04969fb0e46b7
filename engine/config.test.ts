import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('FORESIGHT_ALLOWED_LATENESS', () => {
  it('defaults to 24 h and reads a duration from the variable or the flag', () => {
    expect(loadConfig({}).allowedLatenessMs).toBe(24 * 3_600_000);
    expect(loadConfig({ FORESIGHT_ALLOWED_LATENESS: '90m' }).allowedLatenessMs).toBe(90 * 60_000);
    expect(loadConfig({ FORESIGHT_ALLOWED_LATENESS: '90m' }, { allowedLateness: '2d' }).allowedLatenessMs).toBe(2 * 86_400_000);
  });

  it('refuses a value that is not a duration, naming the variable and the fix', () => {
    expect(() => loadConfig({ FORESIGHT_ALLOWED_LATENESS: '1 day' })).toThrow(/^FORESIGHT_ALLOWED_LATENESS="1 day": must be a duration; write a number and a unit, e.g. 30m, 24h or 3d/);
    expect(() => loadConfig({}, { allowedLateness: '-1h' })).toThrow(/^--allowed-lateness="-1h": must be a duration/);
  });
});

describe('database configuration', () => {
  it('uses DATABASE_URL when FORESIGHT_DB is not set, and FORESIGHT_DB or --db over it', () => {
    const url = 'postgres://foresight:secret@db.internal:5432/foresight';
    expect(loadConfig({ DATABASE_URL: url }).db).toBe(url);
    expect(loadConfig({ DATABASE_URL: url, FORESIGHT_DB: './shop.db' }).db).toBe('./shop.db');
    expect(loadConfig({ DATABASE_URL: url }, { db: 'postgres://other/db' }).db).toBe('postgres://other/db');
    expect(loadConfig({}).db).toBe('./foresight.db');
  });

  it('reads pool size, statement timeout and lease, with defaults', () => {
    expect(loadConfig({})).toMatchObject({ pg: { poolSize: 10, statementTimeoutMs: 30_000 }, leaseMs: 60_000 });
    expect(loadConfig({ FORESIGHT_DB_POOL: '4', FORESIGHT_DB_STATEMENT_TIMEOUT: '5s', FORESIGHT_LEASE: '2m' })).toMatchObject({ pg: { poolSize: 4, statementTimeoutMs: 5000 }, leaseMs: 120_000 });
  });

  it('names the variable and the fix for a bad value', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL="mysql:\/\/x\/y": must be a postgres:\/\/ URL; e\.g\. postgres:\/\//);
    expect(() => loadConfig({ FORESIGHT_DB: 'postgres://[db' })).toThrow(/FORESIGHT_DB="postgres:\/\/\[db": is not a valid postgres:\/\/ URL/);
    expect(() => loadConfig({ FORESIGHT_DB_POOL: '0' })).toThrow(/FORESIGHT_DB_POOL="0": must be at least 1/);
    expect(() => loadConfig({ FORESIGHT_LEASE: 'soon' })).toThrow(/FORESIGHT_LEASE="soon": must be a duration/);
    // A lease of no length would expire as it is taken: every worker could claim the same unit at once.
    expect(() => loadConfig({ FORESIGHT_LEASE: '0s' })).toThrow(/^FORESIGHT_LEASE="0s": must be a duration longer than 0; write a number and a unit longer than one batch takes/);
  });
});

describe('HTTP front door', () => {
  it('listens on every interface at 500 ingestion requests per second per key by default', () => {
    expect(loadConfig({})).toMatchObject({ host: '0.0.0.0', ingestRateLimit: 500 });
  });

  it('reads HOST/--host and FORESIGHT_INGEST_RATE_LIMIT/--ingest-rate-limit, 0 meaning unlimited', () => {
    expect(loadConfig({ HOST: '127.0.0.1', FORESIGHT_INGEST_RATE_LIMIT: '0' })).toMatchObject({ host: '127.0.0.1', ingestRateLimit: 0 });
    expect(loadConfig({ HOST: '127.0.0.1' }, { host: '::1', ingestRateLimit: '2000' })).toMatchObject({ host: '::1', ingestRateLimit: 2000 });
  });

  it('refuses a bad rate or host, naming the variable and the fix', () => {
    expect(() => loadConfig({ FORESIGHT_INGEST_RATE_LIMIT: '-5' })).toThrow(/^FORESIGHT_INGEST_RATE_LIMIT="-5": must be 0 \(unlimited\) or more; set it to the ingestion requests per second/);
    expect(() => loadConfig({}, { host: 'http://0.0.0.0' })).toThrow(/^--host="http:\/\/0.0.0.0": must be an address or host name of this machine; e.g. 127.0.0.1/);
  });
});

describe('FORESIGHT_RETENTION', () => {
  it('keeps 90 days by default; 0 keeps everything', () => {
    expect(loadConfig({}).retentionMs).toBe(90 * 86_400_000);
    expect(loadConfig({ FORESIGHT_RETENTION: '0' }).retentionMs).toBe(0);
    expect(loadConfig({}, { retention: '52w' }).retentionMs).toBe(52 * 7 * 86_400_000);
  });

  it('refuses a non-duration, and an age shorter than a window that counts past deliveries', () => {
    expect(() => loadConfig({ FORESIGHT_RETENTION: 'forever' })).toThrow(/^FORESIGHT_RETENTION="forever": must be a duration or 0; write a number and a unit, e.g. 90d/);
    expect(() => loadConfig({ FORESIGHT_RETENTION: '3d' })).toThrow(/^FORESIGHT_RETENTION="3d": must be at least FORESIGHT_FREQUENCY_CAP_WINDOW \(7d\)/);
  });
});

describe('secrets in configuration errors', () => {
  it('never echoes a too-short API key, admin password or link secret, nor a password inside a URL', () => {
    const refused = (env: Record<string, string>, flags = {}) => {
      try {
        loadConfig(env, flags);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('not refused');
    };
    const key = refused({ FORESIGHT_API_KEY: 'hunter2-short' });
    expect(key).toMatch(/^FORESIGHT_API_KEY=<hidden, 13 characters>: must be at least 16 characters; set it to a random string/);
    expect(key).not.toContain('hunter2');
    expect(refused({}, { apiKey: 'tiny' })).toMatch(/^--api-key=<hidden, 4 characters>: must be at least 16/);
    expect(refused({ FORESIGHT_ADMIN_PASSWORD: 'pw-123' })).not.toContain('pw-123');
    expect(refused({ FORESIGHT_SECRET: 'sekrit-sekrit' })).not.toContain('sekrit');
    const url = refused({ DATABASE_URL: 'mysql://shop:p4ssw0rd@db/x' });
    expect(url).toMatch(/^DATABASE_URL="mysql:\/\/shop:\*\*\*@db\/x": must be a postgres:\/\/ URL/);
    expect(url).not.toContain('p4ssw0rd');
  });
});

describe('counting windows', () => {
  it('refuses a frequency-cap or send-rate window of no length, which would never hold a message back', () => {
    for (const zero of ['0s', '0d', '0.0h']) {
      expect(() => loadConfig({ FORESIGHT_FREQUENCY_CAP_WINDOW: zero })).toThrow(new RegExp(`^FORESIGHT_FREQUENCY_CAP_WINDOW="${zero}": must be a duration longer than 0; write a number and a unit, e\\.g\\. 24h or 7d`));
      expect(() => loadConfig({ FORESIGHT_SEND_RATE_WINDOW: zero })).toThrow(new RegExp(`^FORESIGHT_SEND_RATE_WINDOW="${zero}": must be a duration longer than 0`));
    }
    expect(() => loadConfig({ FORESIGHT_FREQUENCY_CAP_WINDOW: 'daily' })).toThrow(/^FORESIGHT_FREQUENCY_CAP_WINDOW="daily": must be a duration;/);
    expect(loadConfig({ FORESIGHT_FREQUENCY_CAP_WINDOW: '1s' }).messaging.frequencyCap.window).toBe('1s');
  });
});

describe('FORESIGHT_MESSAGE_BUDGET', () => {
  it('is off by default and reads a count and a window', () => {
    expect(loadConfig({}).messaging.messageBudget).toBeNull();
    expect(loadConfig({ FORESIGHT_MESSAGE_BUDGET: '2/7d' }).messaging.messageBudget).toEqual({ max: 2, window: '7d' });
  });

  it('refuses a malformed budget, naming the variable and the fix, and keeps retention at least its window', () => {
    expect(() => loadConfig({ FORESIGHT_MESSAGE_BUDGET: '2 per week' })).toThrow(/^FORESIGHT_MESSAGE_BUDGET="2 per week": must be a count and a window; write .* e\.g\. 2\/7d/);
    expect(() => loadConfig({ FORESIGHT_MESSAGE_BUDGET: '0/7d' })).toThrow(/^FORESIGHT_MESSAGE_BUDGET="0\/7d": must be a count and a window/);
    // A window of no length would count no earlier send: the budget would never hold anything back.
    expect(() => loadConfig({ FORESIGHT_MESSAGE_BUDGET: '2/0d' })).toThrow(/^FORESIGHT_MESSAGE_BUDGET="2\/0d": must be a count and a window longer than 0/);
    expect(() => loadConfig({ FORESIGHT_MESSAGE_BUDGET: '2/0.0h' })).toThrow(/^FORESIGHT_MESSAGE_BUDGET="2\/0.0h"/);
    expect(() => loadConfig({ FORESIGHT_MESSAGE_BUDGET: '2/30d', FORESIGHT_RETENTION: '14d' })).toThrow(/^FORESIGHT_RETENTION="14d": must be at least FORESIGHT_MESSAGE_BUDGET \(30d\)/);
  });
});

describe('FORESIGHT_SMTP_URL', () => {
  const smtp = { FORESIGHT_SMTP_URL: 'smtp://127.0.0.1:2525' };
  it('needs the link secret, but not FORESIGHT_MAIL_FROM: the brand sender can stand in', () => {
    expect(() => loadConfig(smtp)).toThrow(/^FORESIGHT_SECRET: required when FORESIGHT_SMTP_URL is set/);
    const config = loadConfig({ ...smtp, FORESIGHT_SECRET: 's'.repeat(40) });
    expect([config.messaging.smtpUrl, config.messaging.mailFrom]).toEqual(['smtp://127.0.0.1:2525', undefined]);
  });
});
