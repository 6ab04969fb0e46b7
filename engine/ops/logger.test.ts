import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../http/test-server.ts';
import { createLogger, logFormat } from './logger.ts';

describe('request logs', () => {
  it('carry no customer ids, emails, tokens or secrets, only route patterns', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const s = await startTestServer({ logger: createLogger({ level: 'debug', destination: sink }) });
    try {
      const h = await s.login();
      const key = await s.key('track');
      await s.call('POST', '/api/identify', { json: { customerId: 'cust-4711', email: 'ann.private@example.com' }, headers: key });
      await s.call('GET', '/api/customers/cust-4711', { headers: h });
      await s.call('GET', '/api/customers/cust-4711/export', { headers: h });
      await s.call('GET', `/api/customers?search=${encodeURIComponent('ann.private@example.com')}`, { headers: h });
      await s.call('DELETE', '/api/suppressions/ann.private@example.com', { headers: h });
      await s.call('GET', '/t/click/eyJzZWNyZXQtdG9rZW4', {});
      await s.call('GET', '/api/nowhere/cust-4711', { headers: h });
      const log = lines.join('');
      // The log saw these requests (or this test proves nothing)...
      expect(log).toContain('"url":"/api/customers/:externalId/export"');
      expect(log).toContain('"url":"/api/customers?search=[redacted]"');
      expect(log).toContain('"url":"/t/click/:token"');
      // ...and none of what identifies the customer or signs in.
      for (const secret of ['cust-4711', 'ann.private', 'eyJzZWNyZXQtdG9rZW4', h.cookie!.split('=')[1]!, key.authorization!.slice(7)]) expect(log).not.toContain(secret);
    } finally {
      await s.close();
    }
  });
});

describe('log output', () => {
  it('is readable on a terminal and JSON lines anywhere else', () => {
    expect(logFormat(true)).toBe('pretty');
    expect(logFormat(false)).toBe('json');
  });

  it('logs requests at debug, so `info` is not one line per request', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger({ level: 'info', destination: sink });
    const s = await startTestServer({ logger: log });
    try {
      const h = await s.login();
      await s.call('GET', '/api/journeys', { headers: h });
      await s.call('GET', '/api/nowhere', { headers: h });
      expect(lines.filter((l) => l.includes('"url":"/api/'))).toEqual([]);
      log.level = 'debug';
      await s.call('GET', '/api/journeys', { headers: h });
      expect(lines.filter((l) => l.includes('"url":"/api/journeys"')).map((l) => JSON.parse(l).level)).toEqual([20]);
    } finally {
      await s.close();
    }
  });
});

describe('start-up warnings', () => {
  it('says when mail is configured but no sender is, and not when FORESIGHT_MAIL_FROM gives one', async () => {
    const warnings = async (env: Record<string, string>) => {
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
      const s = await startTestServer({ logger: createLogger({ level: 'info', destination: sink }), env: { FORESIGHT_SMTP_URL: 'smtp://127.0.0.1:2525', FORESIGHT_SECRET: 's'.repeat(40), ...env } });
      await s.close();
      return lines.filter((l) => l.includes('no default sender')).map((l) => JSON.parse(l).level);
    };
    expect(await warnings({})).toEqual([40]);
    expect(await warnings({ FORESIGHT_MAIL_FROM: 'Shop <news@shop.example>' })).toEqual([]);
  });
});
