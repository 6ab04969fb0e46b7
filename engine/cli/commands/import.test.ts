import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../storage/sqlite/index.ts';

const bin = path.resolve(import.meta.dirname, '../../../bin/foresight.js');
const dir = mkdtempSync(path.join(tmpdir(), 'foresight-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = path.join(dir, 'f.db');

function cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { env: { ...process.env, FORESIGHT_DB: db } }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
    if (input !== undefined) child.stdin!.end(input);
  });
}
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('foresight import', () => {
  it('imports good rows, reports each bad one with line and column, and re-importing changes nothing', async () => {
    const customers = file('customers.csv', 'customer_id,email,timezone,plan\nc1,c1@example.com,Europe/Berlin,pro\nc2,not-an-email,,free\n,c3@example.com,,free\nc4,c4@example.com,Moon/Base,free\nc5,,,\n');
    const first = await cli(['import', 'customers', customers]);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('customers: 5 rows read, 2 created, 0 updated, 0 unchanged, 3 rejected');
    expect(first.stderr).toContain(`${customers}:3: email:`);
    expect(first.stderr).toContain(`${customers}:4: customer_id:`);
    expect(first.stderr).toContain(`${customers}:5: timezone:`);

    const orders = file('orders.csv', 'customer_id,order_id,ordered_at,amount\nc1,o1,2024-01-05,20\nc1,o2,2024-02-05,abc\nc5,o3,2024-02-07,35.5\n');
    expect((await cli(['import', 'orders', orders])).stdout).toContain('orders: 3 rows read, 2 imported, 0 already present, 1 rejected');
    const events = file('events.csv', 'customer_id,type,occurred_at,properties\nc1,page_view,2024-01-01T10:00:00Z,"{""url"":""/a""}"\nc1,page_view,2024-01-01T11:00:00Z,\nc5,cart_add,2024-01-02,{bad json}\n');
    expect((await cli(['import', 'events', events])).stdout).toContain('events: 3 rows read, 2 imported, 0 already present, 1 rejected');

    expect((await cli(['import', 'customers', customers])).stdout).toContain('customers: 5 rows read, 0 created, 0 updated, 2 unchanged, 3 rejected');
    const again = await Promise.all([cli(['import', 'orders', orders]), cli(['import', 'events', events])]);
    expect(again[0].stdout).toContain('2 rows read'.replace('2', '3') + ', 0 imported, 2 already present, 1 rejected');
    expect(again[1].stdout).toContain('3 rows read, 0 imported, 2 already present, 1 rejected');

    const storage = openSqlite(db);
    try {
      expect(await storage.customers.count()).toBe(2);
      const c1 = (await storage.customers.byExternalId('c1'))!;
      expect(c1).toMatchObject({ email: 'c1@example.com', timezone: 'Europe/Berlin', attributes: { plan: 'pro' } });
      expect((await storage.orders.list(c1.id)).map((o) => o.orderId)).toEqual(['o1']);
      expect((await storage.events.list(c1.id, {})).map((e) => e.type).sort()).toEqual(['page_view', 'page_view', 'purchase']);
    } finally {
      await storage.close();
    }
  }, 240_000);

  it('refuses a file with an unclosed quote with its line and column, importing none of its rows', async () => {
    const rows = Array.from({ length: 2100 }, (_, i) => `u${i},u${i}@example.com`).join('\n');
    const broken = file('unclosed.csv', `customer_id,email\n${rows}\nu-broken,"oops@example.com\nu-last,last@example.com\n`);
    const res = await cli(['import', 'customers', broken]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${broken}:2102: email: a quoted value opened in this record is never closed`);
    expect(res.stderr).toContain('no row of it was imported');
    const storage = openSqlite(db);
    try {
      expect(await storage.customers.byExternalId('u0')).toBeNull();
    } finally {
      await storage.close();
    }
  }, 120_000);

  it('refuses an unknown kind or a missing file with exit code 2', async () => {
    expect((await cli(['import', 'products', file('p.csv', 'a\n')])).stderr).toMatch(/kind: "products" is not importable/);
    const missing = await cli(['import', 'orders', path.join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
  }, 120_000);
});

describe('foresight customer, apikey, user', () => {
  it('exports and erases a customer, manages keys and creates a user from stdin', async () => {
    const exported = await cli(['customer', 'export', 'c1']);
    expect(exported.code).toBe(0);
    const doc = JSON.parse(exported.stdout) as { customer: { email: string }; orders: unknown[]; events: unknown[] };
    expect(doc.customer.email).toBe('c1@example.com');
    expect(doc.orders).toHaveLength(1);
    expect((await cli(['customer', 'erase', 'c1'])).stderr).toMatch(/--yes/);
    expect((await cli(['customer', 'erase', 'c1', '--yes'])).code).toBe(0);
    expect((await cli(['customer', 'export', 'c1'])).stderr).toMatch(/no customer "c1"/);

    const created = await cli(['apikey', 'create', '--name', 'site', '--scope', 'track']);
    expect(created.stdout.trim()).toMatch(/^fsk_\S+$/);
    expect((await cli(['apikey', 'list'])).stdout).toMatch(/^1\tfsk_.*\ttrack\tsite\tdefault rate\tactive$/m);
    expect((await cli(['apikey', 'revoke', '1'])).code).toBe(0);
    expect((await cli(['apikey', 'list'])).stdout).toMatch(/\trevoked$/m);
    // A trusted server-side key without limit, and one with its own.
    expect((await cli(['apikey', 'create', '--name', 'backend', '--rate-limit', 'off'])).code).toBe(0);
    expect((await cli(['apikey', 'create', '--name', 'busy', '--rate-limit', '2000'])).code).toBe(0);
    expect((await cli(['apikey', 'list'])).stdout).toMatch(/^2\tfsk_.*\tbackend\tunlimited\tactive\n3\tfsk_.*\tbusy\t2000\/s\tactive$/m);
    expect((await cli(['apikey', 'create', '--name', 'x', '--rate-limit', 'fast'])).stderr).toMatch(/--rate-limit: "fast" is not a rate; give requests per second, e.g. 1000, or off/);

    expect((await cli(['user', 'create', '--email', 'ops@example.com', '--role', 'admin'], 'a long enough password\n')).stdout).toContain('created admin ops@example.com');
    expect((await cli(['user', 'create', '--email', 'x@example.com'], 'short\n')).stderr).toMatch(/password: must be at least 10/);
  }, 240_000);
});
