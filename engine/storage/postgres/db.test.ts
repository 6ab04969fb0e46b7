import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, pgSkipReason } from '../../testing/postgres.ts';
import { openPostgres, type PostgresStorage } from './index.ts';

const url = inject('pgUrl');
const skip = pgSkipReason(url);
if (skip) console.warn(`PostgreSQL connection-loss tests skipped: ${skip}`);

describe.skipIf(skip !== null)('PostgreSQL connection loss', () => {
  let db: { url: string; drop: () => Promise<void> };
  let storage: PostgresStorage;
  const logged: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(url!);
    storage = await openPostgres(db.url, { onRetry: (m) => logged.push(m) });
  });
  afterAll(async () => {
    await storage?.close();
    await db?.drop();
  });

  /** Kills this database's other server processes, as a failover or a network cut would. */
  async function terminateConnections(): Promise<number> {
    const admin = new pg.Client({ connectionString: url! });
    await admin.connect();
    try {
      const name = new URL(db.url).pathname.slice(1);
      const r = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      return r.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it('retries a call whose connection dies, logs it, and returns the right answer', async () => {
    await storage.customers.upsert([{ externalId: 'c1' }], 1);
    // A slow transaction is cut mid-way: it is retried whole on a fresh connection.
    const slow = storage.db.tx(async (q) => {
      await q('SELECT pg_sleep(0.5)');
      return q<{ n: number }>('SELECT COUNT(*) AS n FROM customers');
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await terminateConnections()).toBeGreaterThan(0);
    expect(await slow).toEqual([{ n: 1 }]);
    expect(logged.some((m) => /postgres: transaction failed \(.*\); retry 1\/7 in 100 ms/.test(m))).toBe(true);
    // Later calls work as before.
    expect(await storage.customers.count()).toBe(1);
  });
});
