import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from './index.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every byte SQLite keeps on disk for the database: the file and its write-ahead log. */
function diskBytes(file: string): string {
  return [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
}

describe('SQLite erasure on disk', () => {
  it('leaves no erased value readable in the database files', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'foresight-erase-'));
    const file = path.join(dir, 'f.db');
    const s = openSqlite(file);
    const [id] = await s.customers.upsert([{ externalId: 'zq-customer-7731', email: 'zq.unique.mail@example.com', attributes: { name: 'Zelda Qwertyname' } }], 1);
    await s.customers.upsert([{ externalId: 'other', email: 'other@example.com', attributes: { name: 'Other Person' } }], 1);
    await s.events.insert([{ customerId: id!, type: 'view', properties: { note: 'zq-private-note' }, occurredAt: 2, idempotencyKey: 'zq-event-key' }], 2);
    await s.orders.insert([{ customerId: id!, orderId: 'o1', orderedAt: 3, amount: 10, items: ['zq-item-sku'] }]);
    // Checkpoint so the values sit in the main file's pages, as they do in a database that has run a while.
    s.raw.pragma('wal_checkpoint(TRUNCATE)');
    expect(diskBytes(file)).toContain('zq.unique.mail@example.com');

    await s.privacy.erase(id!, 10);
    const bytes = diskBytes(file);
    for (const value of ['zq-customer-7731', 'zq.unique.mail@example.com', 'Zelda Qwertyname', 'zq-private-note', 'zq-event-key', 'zq-item-sku']) expect(bytes).not.toContain(value);
    // The other customer is untouched and the file still opens.
    expect(bytes).toContain('other@example.com');
    await s.close();
    const again = openSqlite(file);
    expect((await again.customers.byExternalId('other'))?.email).toBe('other@example.com');
    await again.close();
  });
});
