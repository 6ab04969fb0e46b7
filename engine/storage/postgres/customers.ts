import { mergeProfile } from '../../core/profile.ts';
import { toCustomer } from '../sqlite/rows.ts';
import type { ChangeMark, CustomerRecord, CustomerStore } from '../types.ts';
import { columns, type Db, type Query } from './db.ts';

/** Creates the customers that do not exist yet, in input order (ids ascend as on SQLite). */
async function createMissing(q: Query, externalIds: string[], now: number): Promise<void> {
  await q(
    `INSERT INTO customers (external_id, attributes, consent, created_at, updated_at)
     SELECT x, '{}', '{}', $2, $2 FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n
     ON CONFLICT (external_id) DO NOTHING`,
    [externalIds, now],
  );
}

export function pgCustomers(db: Db): CustomerStore {
  return {
    async upsert(inputs, now) {
      if (!inputs.length) return [];
      const ext = inputs.map((c) => c.externalId);
      // Three statements per batch: create the missing, read all under row locks, write the merged profiles.
      return db.tx(async (q) => {
        await createMissing(q, ext, now);
        const rows = await q('SELECT * FROM customers WHERE external_id = ANY($1::text[]) ORDER BY id FOR UPDATE', [ext]);
        const byExt = new Map<string, CustomerRecord>(rows.map((r) => [r.external_id as string, toCustomer(r)]));
        for (const c of inputs) {
          const cur = byExt.get(c.externalId)!;
          byExt.set(c.externalId, { ...cur, ...mergeProfile(cur, c) });
        }
        const merged = [...byExt.values()];
        await q(
          `UPDATE customers c SET email = u.email, attributes = u.attributes, timezone = u.timezone, consent = u.consent, updated_at = $6
           FROM unnest($1::int8[], $2::text[], $3::jsonb[], $4::text[], $5::jsonb[]) AS u(id, email, attributes, timezone, consent) WHERE c.id = u.id`,
          [...columns(merged, [(c) => c.id, (c) => c.email, (c) => JSON.stringify(c.attributes), (c) => c.timezone, (c) => JSON.stringify(c.consent)]), now],
        );
        return inputs.map((c) => byExt.get(c.externalId)!.id);
      });
    },
    async resolve(externalIds, now, create) {
      if (!externalIds.length) return new Map();
      return db.tx(async (q) => {
        if (create) await createMissing(q, externalIds, now);
        const rows = await q<{ external_id: string; id: number }>('SELECT external_id, id FROM customers WHERE external_id = ANY($1::text[])', [externalIds]);
        return new Map(rows.map((r) => [r.external_id, r.id]));
      });
    },
    async get(ids) {
      if (ids.length === 0) return [];
      return (await db.query('SELECT * FROM customers WHERE id = ANY($1::int8[])', [ids])).map(toCustomer);
    },
    async byExternalId(ext) {
      const [r] = await db.query('SELECT * FROM customers WHERE external_id = $1', [ext]);
      return r ? toCustomer(r) : null;
    },
    async list({ limit, offset, search }) {
      const rows = search
        ? await db.query('SELECT * FROM customers WHERE external_id LIKE $1 OR email LIKE $1 ORDER BY id LIMIT $2 OFFSET $3', [`%${search}%`, limit, offset])
        : await db.query('SELECT * FROM customers ORDER BY id LIMIT $1 OFFSET $2', [limit, offset]);
      return rows.map(toCustomer);
    },
    async count() {
      const [r] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM customers');
      return r!.n;
    },
    async changedSince(after, limit) {
      return db.query<ChangeMark>(
        'SELECT updated_at AS "updatedAt", id FROM customers WHERE updated_at > $1 OR (updated_at = $1 AND id > $2) ORDER BY updated_at, id LIMIT $3',
        [after.updatedAt, after.id, limit],
      );
    },
    async lastChange() {
      const [r] = await db.query<ChangeMark>('SELECT updated_at AS "updatedAt", id FROM customers ORDER BY updated_at DESC, id DESC LIMIT 1');
      return r ?? null;
    },
    async setUnsubscribed(id, at) {
      await db.query('UPDATE customers SET unsubscribed_at = $1, updated_at = COALESCE($1, updated_at) WHERE id = $2', [at, id]);
    },
  };
}
