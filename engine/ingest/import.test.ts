import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { openSqlite } from '../storage/sqlite/index.ts';
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
