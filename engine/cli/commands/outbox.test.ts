import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { openSqlite } from '../../storage/sqlite/index.ts';
import { main } from '../main.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'foresight-cli-outbox-'));
const db = path.join(dir, 'db.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Runs the CLI in-process; returns the exit code and what it printed. */
async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const code = await main(['node', 'foresight', ...args, '--db', db]);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('foresight outbox and suppressions', () => {
  it('lists unknown entries with the policy, re-queues them, and lifts bounces in bulk', async () => {
    const s = openSqlite(db);
    const entry = (key: string, customerId: number) => ({ key, runId: customerId, journeyId: 'j', nodeId: 'm', customerId, kind: 'email', payload: {} });
    await s.runs.commit([{ eventIds: [], inserts: [], updates: [], history: [], counters: [], profiles: [], outbox: [entry('k1', 1), entry('k2', 2)] }], 0);
    await s.outbox.claim({ now: 0, owner: 'dead', leaseMs: 10, limit: 10 });
    await s.outbox.settle([], 1, { owner: 'dead', leaseMs: 10, keys: ['k1', 'k2'] });
    await s.outbox.recover(100);
    await s.suppressions.add([{ email: 'a@x.io', reason: 'bounce' }], Date.parse('2024-03-01T09:10:00Z'));
    await s.suppressions.add([{ email: 'b@x.io', reason: 'bounce' }], Date.parse('2024-03-02T09:10:00Z'));
    await s.close();

    expect((await cli(['outbox', 'list'])).out).toBe('{"unknown":2}');
    const unknown = await cli(['outbox', 'list', '--status', 'unknown']);
    expect(unknown.out.split('\n').map((l) => l.split('\t')[0])).toEqual(['k1', 'k2']);
    expect(unknown.err).toMatch(/never resent automatically/);
    expect(await cli(['outbox', 'requeue', '--status', 'sent'])).toMatchObject({ code: 2, err: expect.stringMatching(/--status: "sent" cannot be re-queued/) });
    expect((await cli(['outbox', 'requeue', 'k2'])).out).toBe('re-queued 1 unknown entry');
    expect((await cli(['outbox', 'list'])).out).toBe('{"pending":1,"unknown":1}');

    expect((await cli(['suppressions', 'lift', '--reason', 'bounce', '--since', '2024-03-01', '--until', '2024-03-01'])).out).toBe('lifted 1 suppression (reason bounce)');
    const after = openSqlite(db);
    expect((await after.suppressions.list({ limit: 10, offset: 0 })).map((x) => x.email)).toEqual(['b@x.io']);
    await after.close();
  });
});
