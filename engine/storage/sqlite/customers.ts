import type { Database } from 'better-sqlite3';
import { mergeAttributes, mergeProfile } from '../../core/profile.ts';
import type { ChangeMark, CustomerStore, CustomerUpsert } from '../types.ts';
import { toCustomer } from './rows.ts';

export function sqliteCustomers(db: Database): CustomerStore {
  const byExt = db.prepare('SELECT * FROM customers WHERE external_id = ?');
  // One statement per batch: ids passed as a JSON array.
  const idsByExt = db.prepare('SELECT external_id, id FROM customers WHERE external_id IN (SELECT value FROM json_each(?))').raw();
  const insert = db.prepare(
    'INSERT INTO customers (external_id, email, attributes, timezone, consent, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const update = db.prepare('UPDATE customers SET email = ?, attributes = ?, timezone = ?, consent = ?, updated_at = ? WHERE id = ?');
  const byIds = db.prepare('SELECT * FROM customers WHERE id IN (SELECT value FROM json_each(?))');
  const changedSince = db.prepare(
    'SELECT updated_at AS updatedAt, id FROM customers WHERE updated_at > @updatedAt OR (updated_at = @updatedAt AND id > @id) ORDER BY updated_at, id LIMIT @limit',
  );
  const lastChange = db.prepare('SELECT updated_at AS updatedAt, id FROM customers ORDER BY updated_at DESC, id DESC LIMIT 1');

  const upsertOne = (c: CustomerUpsert, now: number): number => {
    const row = byExt.get(c.externalId) as Record<string, unknown> | undefined;
    if (!row) {
      const r = insert.run(c.externalId, c.email ?? null, JSON.stringify(mergeAttributes({}, c.attributes)), c.timezone ?? null, JSON.stringify(c.consent ?? {}), now, now);
      return Number(r.lastInsertRowid);
    }
    const cur = toCustomer(row);
    const next = mergeProfile(cur, c);
    update.run(next.email, JSON.stringify(next.attributes), next.timezone, JSON.stringify(next.consent), now, cur.id);
    return cur.id;
  };

  return {
    async upsert(inputs, now) {
      return db.transaction(() => inputs.map((c) => upsertOne(c, now)))();
    },
    async resolve(externalIds, now, create) {
      return db.transaction(() => {
        const out = new Map(externalIds.length ? (idsByExt.all(JSON.stringify(externalIds)) as [string, number][]) : []);
        if (create) {
          for (const ext of externalIds) if (!out.has(ext)) out.set(ext, Number(insert.run(ext, null, '{}', null, '{}', now, now).lastInsertRowid));
        }
        return out;
      })();
    },
    async get(ids) {
      if (ids.length === 0) return [];
      return (byIds.all(JSON.stringify(ids)) as Record<string, unknown>[]).map(toCustomer);
    },
    async byExternalId(ext) {
      const r = byExt.get(ext) as Record<string, unknown> | undefined;
      return r ? toCustomer(r) : null;
    },
    async list({ limit, offset, search }) {
      const rows = search
        ? db.prepare('SELECT * FROM customers WHERE external_id LIKE ? OR email LIKE ? ORDER BY id LIMIT ? OFFSET ?').all(`%${search}%`, `%${search}%`, limit, offset)
        : db.prepare('SELECT * FROM customers ORDER BY id LIMIT ? OFFSET ?').all(limit, offset);
      return (rows as Record<string, unknown>[]).map(toCustomer);
    },
    async count() {
      return db.prepare('SELECT COUNT(*) FROM customers').pluck().get() as number;
    },
    async changedSince(after, limit) {
      return changedSince.all({ ...after, limit }) as ChangeMark[];
    },
    async lastChange() {
      return (lastChange.get() as ChangeMark | undefined) ?? null;
    },
    async setUnsubscribed(id, at) {
      db.prepare('UPDATE customers SET unsubscribed_at = ?, updated_at = COALESCE(?, updated_at) WHERE id = ?').run(at, at, id);
    },
  };
}
