import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { openSqlite, type SqliteStorage } from '../storage/sqlite/index.ts';
import { API_KEY_CACHE_MS, AuthService } from './service.ts';

describe('API key checks', () => {
  let dir: string;
  let storage: SqliteStorage;
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const setup = () => {
    dir = mkdtempSync(path.join(tmpdir(), 'foresight-auth-'));
    storage = openSqlite(path.join(dir, 'auth.db'));
    const clock = new VirtualClock('2024-03-01T00:00:00Z');
    return { clock, auth: new AuthService(storage, clock) };
  };
  const lastUsed = async () => (await storage.auth.listApiKeys())[0]!.lastUsedAt;

  it('records last use at most once a minute however many requests a key makes', async () => {
    const { clock, auth } = setup();
    const { key } = await auth.createApiKey('site', 'track', 800);
    const first = clock.now().getTime();
    for (let i = 0; i < 50; i++) {
      expect(await auth.apiKey(key)).toMatchObject({ kind: 'key', scope: 'track', rateLimit: 800 });
      clock.advance(1000);
    }
    // 50 requests over 50 s: the use was written once, at the first.
    expect(await lastUsed()).toBe(first);
    clock.advance(API_KEY_CACHE_MS);
    await auth.apiKey(key);
    expect(await lastUsed()).toBe(clock.now().getTime());
  });

  it('refuses a key revoked through this process at once, and one revoked elsewhere within a minute', async () => {
    const { clock, auth } = setup();
    const a = await auth.createApiKey('a', 'track');
    const b = await auth.createApiKey('b', 'track');
    await auth.apiKey(a.key);
    await auth.apiKey(b.key);
    await auth.revokeApiKey(a.record.id);
    expect(await auth.apiKey(a.key)).toBeNull();
    // Another API process (here: storage directly) revokes b; this one learns it when its check expires.
    await storage.auth.revokeApiKey(b.record.id, clock.now().getTime());
    clock.advance(API_KEY_CACHE_MS);
    expect(await auth.apiKey(b.key)).toBeNull();
  });

  it('does not accept an unknown key, however often it is tried', async () => {
    const { auth } = setup();
    await auth.createApiKey('a', 'track');
    expect(await auth.apiKey('fsk_not-a-real-key')).toBeNull();
    expect(await auth.apiKey('fsk_not-a-real-key')).toBeNull();
  });
});
