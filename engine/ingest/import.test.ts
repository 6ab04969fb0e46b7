import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { openSqlite, type SqliteStorage } from '../storage/sqlite/index.ts';
import { SERVER_ZONES, underTz } from '../testing/tz.ts';
import { importCsv } from './import.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'foresight-import-tz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('importCsv and the server zone', () => {
  it('re-importing one events file under other TZs stores each event once, at its UTC reading', async () => {
    const file = path.join(dir, 'events.csv');
    writeFileSync(file, 'customer_id,type,occurred_at\nc1,cart_add,2024-03-01T09:15:00\nc1,page_view,2024-03-02\n');
    const storage = openSqlite(path.join(dir, 'f.db'));
    try {
      const clock = new VirtualClock('2024-04-01T00:00:00Z');
      const runs = [];
      for (const zone of SERVER_ZONES) runs.push(await underTz(zone, () => importCsv(storage, clock, 'events', file)));
      expect(runs.map((r) => [r.imported, r.duplicates, r.rejected.length])).toEqual([
        [2, 0, 0],
        [0, 2, 0],
        [0, 2, 0],
      ]);
      const c1 = (await storage.customers.byExternalId('c1'))!;
      const stored = (await storage.events.list(c1.id, {})).map((e) => `${e.type} ${new Date(e.occurredAt).toISOString()}`).sort();
      expect(stored).toEqual(['cart_add 2024-03-01T09:15:00.000Z', 'page_view 2024-03-02T00:00:00.000Z']);
    } finally {
      await storage.close();
    }
  });

  it('rejects impossible or free-text dates naming line and column, and imports the rest', async () => {
    const file = path.join(dir, 'bad-dates.csv');
    writeFileSync(file, 'customer_id,order_id,ordered_at,amount\nc2,o1,2024-02-30,10\nc2,o2,garbage 2024,10\nc2,o3,2024-02-29,10\n');
    const storage = openSqlite(path.join(dir, 'g.db'));
    try {
      const r = await importCsv(storage, new VirtualClock('2024-04-01T00:00:00Z'), 'orders', file);
      expect(r.imported).toBe(1);
      expect(r.rejected.map((e) => [e.line, e.field])).toEqual([
        [2, 'ordered_at'],
        [3, 'ordered_at'],
      ]);
      expect(r.rejected[0]!.reason).toMatch(/"2024-02-30" is not a valid time; use ISO 8601/);
      const c2 = (await storage.customers.byExternalId('c2'))!;
      expect((await storage.orders.list(c2.id)).map((o) => [o.orderId, new Date(o.orderedAt).toISOString()])).toEqual([['o3', '2024-02-29T00:00:00.000Z']]);
    } finally {
      await storage.close();
    }
  });
});

describe('importCsv never drops a row silently', () => {
  /** A fresh database file per test, closed whatever happens. */
  const withStorage = async (name: string, fn: (storage: SqliteStorage) => Promise<void>) => {
    const storage = openSqlite(path.join(dir, `${name}.db`));
    try {
      await fn(storage);
    } finally {
      await storage.close();
    }
  };
  const csv = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const clock = new VirtualClock('2024-04-01T00:00:00Z');

  it('refuses an order whose id is already stored for another customer, naming line, column and owner', () =>
    withStorage('orders-taken', async (storage) => {
      await importCsv(storage, clock, 'orders', csv('o1.csv', 'customer_id,order_id,ordered_at,amount\nann,1001,2024-01-05,20\n'));
      const file = csv('o2.csv', 'customer_id,order_id,ordered_at,amount\nann,1001,2024-01-05,20\nbob,1001,2024-02-01,35\nbob,1002,2024-02-02,15\ncid,1002,2024-02-03,5\n');
      const r = await importCsv(storage, clock, 'orders', file);
      expect([r.rows, r.imported, r.duplicates]).toEqual([4, 1, 1]);
      expect(r.rejected.map((e) => `${e.file}:${e.line}: ${e.field}: ${e.reason}`)).toEqual([
        `${file}:3: order_id: order "1001" is already stored for customer "ann"; order ids must be unique across customers, so give this order its own id`,
        `${file}:5: order_id: order "1002" is already stored for customer "bob"; order ids must be unique across customers, so give this order its own id`,
      ]);
      const bob = (await storage.customers.byExternalId('bob'))!;
      expect((await storage.orders.list(bob.id)).map((o) => o.orderId)).toEqual(['1002']);
      // No purchase event was recorded for the refused rows either.
      expect((await storage.events.list(bob.id, {})).map((e) => e.properties.order_id)).toEqual(['1002']);
    }));

  it('refuses orders and events dated in the future (a typo\'d year), naming line and column, and imports the rest', () =>
    withStorage('future', async (storage) => {
      const orders = csv('future-orders.csv', 'customer_id,order_id,ordered_at,amount\nann,f1,2024-03-31,20\nann,f2,2025-03-31,20\nann,f3,2024-04-01,20\n');
      const r = await importCsv(storage, clock, 'orders', orders);
      expect([r.rows, r.imported]).toEqual([3, 2]);
      expect(r.rejected.map((e) => `${e.file}:${e.line}: ${e.field}: ${e.reason}`)).toEqual([
        `${orders}:3: ordered_at: 2025-03-31T00:00:00.000Z is in the future (now 2024-04-01T00:00:00.000Z); send the time it happened, and check the year, the day/month order and the time zone`,
      ]);
      const ann = (await storage.customers.byExternalId('ann'))!;
      expect((await storage.orders.list(ann.id)).map((o) => o.orderId).sort()).toEqual(['f1', 'f3']);
      const events = csv('future-events.csv', 'customer_id,type,occurred_at\nann,page_view,2024-03-30T10:00:00Z\nann,page_view,2204-03-30T10:00:00Z\nann,page_view,1711792800\n');
      const e = await importCsv(storage, clock, 'events', events);
      expect([e.imported, e.rejected.map((x) => [x.line, x.field])]).toEqual([1, [[3, 'occurred_at'], [4, 'occurred_at']]]);
      // Epoch seconds where milliseconds go read as 1970: refused as the API refuses them.
      expect(e.rejected[1]!.reason).toBe('1970-01-20T19:29:52.800Z is before 1973: epoch milliseconds have 13 digits (seconds × 1000, e.g. 1714557600000); otherwise check the year');
    }));

  it('refuses a row with more values than the header has columns, and imports the rest', () =>
    withStorage('extra-values', async (storage) => {
      const file = csv('extra.csv', 'customer_id,email,plan\nc1,c1@example.com,pro\nc2,c2@example.com,Smith, Jane\nc3,c3@example.com\n');
      const r = await importCsv(storage, clock, 'customers', file);
      expect(r.rejected).toEqual([{ file, line: 3, field: 'row', reason: '4 values but the header has 3 columns; quote a value that contains a comma, e.g. "Smith, Jane"' }]);
      expect(r.imported).toBe(2);
      expect(await storage.customers.byExternalId('c2')).toBeNull();
    }));

  it('refuses a file with a stray quote as <file>:<line>: <column>: <reason>', () =>
    withStorage('stray-quote', async (storage) => {
      const opening = csv('q1.csv', 'customer_id,email\nc1,c1@example.com\nc2,say "hi"@example.com\n');
      await expect(importCsv(storage, clock, 'customers', opening)).rejects.toThrow(`${opening}:3: email: a quote inside an unquoted value; quote the whole value and double the quote inside it ("")`);
      const closing = csv('q2.csv', 'customer_id,email\nc1,"c1"@example.com\n');
      await expect(importCsv(storage, clock, 'customers', closing)).rejects.toThrow(`${closing}:2: email: text follows the closing quote of this value`);
      expect(await storage.customers.count()).toBe(0);
    }));

  it('reports customers created, updated and unchanged, and writes no unchanged profile', () =>
    withStorage('customers-again', async (storage) => {
      const file = csv('c.csv', 'customer_id,email,plan\nc1,c1@example.com,pro\nc2,c2@example.com,free\n');
      expect((await importCsv(storage, clock, 'customers', file)).profiles).toEqual({ created: 2, updated: 0 });
      const before = (await storage.customers.byExternalId('c1'))!.updatedAt;
      const later = new VirtualClock('2024-05-01T00:00:00Z');
      const again = await importCsv(storage, later, 'customers', file);
      expect([again.profiles, again.imported, again.duplicates]).toEqual([{ created: 0, updated: 0 }, 0, 2]);
      expect((await storage.customers.byExternalId('c1'))!.updatedAt).toBe(before);
      const changed = await importCsv(storage, later, 'customers', csv('c2.csv', 'customer_id,email,plan\nc1,c1@example.com,pro\nc2,c2@example.com,pro\nc3,,free\n'));
      expect([changed.profiles, changed.duplicates]).toEqual([{ created: 1, updated: 1 }, 1]);
    }));
});
