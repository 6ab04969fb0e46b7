import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CDNOW_SAMPLE } from './cdnow.fixture.ts';
import { readOrdersCsv } from './orders-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'foresight-orders-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('readOrdersCsv', () => {
  it('reads the CDNOW sample', async () => {
    const { orders, rejected } = await readOrdersCsv(CDNOW_SAMPLE);
    expect(orders).toHaveLength(6919);
    expect(rejected).toEqual([]);
    expect(orders[0]).toEqual({ customerId: 'c1', orderId: 'o1', orderedAt: new Date('1997-01-01T00:00:00Z'), amount: 29.33, quantity: 2 });
  });

  it('reports malformed rows with line numbers and keeps the rest', async () => {
    const path = file(
      'bad.csv',
      [
        'customer_id,order_id,ordered_at,amount,quantity,items',
        'c1,o1,2024-01-01,10.5,1,sku1|sku2',
        'c1,o2,2024-02-30,3,1,', // impossible date
        'c2,o3,2024-01-02,abc,1,', // non-numeric amount
        ',o4,2024-01-02,5,1,', // missing customer id
        'c3,"o5,with comma",2024-01-03,7,,', // quoted field is fine
        'c4,o6,2024-01-04', // missing amount
        'c5,o7,2024-01-05,-3,1,', // negative amount
      ].join('\n'),
    );
    const { orders, rejected } = await readOrdersCsv(path);
    expect(orders.map((o) => o.orderId)).toEqual(['o1', 'o5,with comma']);
    expect(orders[0]!.items).toEqual(['sku1', 'sku2']);
    expect(orders[1]!.quantity).toBeUndefined();
    expect(rejected.map((r) => [r.line, r.field])).toEqual([
      [3, 'ordered_at'],
      [4, 'amount'],
      [5, 'customer_id'],
      [7, 'amount'],
      [8, 'amount'],
    ]);
    expect(rejected[0]!.reason).toMatch(/2024-02-30/);
  });

  it('fails clearly on a missing file or header columns', async () => {
    await expect(readOrdersCsv(join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: no such file/);
    await expect(readOrdersCsv(file('hdr.csv', 'customer,order_id,ordered_at\nc1,o1,2024-01-01\n'))).rejects.toThrow(/lacks customer_id, amount/);
    await expect(readOrdersCsv(file('empty.csv', ''))).rejects.toThrow(/empty/);
  });
});
