import type { ProductRecord, ProductStore, SettingsStore } from '../types.ts';
import { columns, type Db } from './db.ts';
import { lastPerKey } from './scores.ts';

const PRODUCT = 'item_id AS "itemId", name, url, image_url AS "imageUrl", price, category';

export function pgSettings(db: Db): SettingsStore {
  return {
    async get(key) {
      return (await db.query<{ value: unknown }>('SELECT value FROM settings WHERE key = $1', [key]))[0]?.value ?? null;
    },
    async put(key, value, now) {
      await db.query('INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at', [key, JSON.stringify(value), now]);
    },
  };
}

export function pgProducts(db: Db): ProductStore {
  return {
    async upsert(rows, now) {
      if (!rows.length) return 0;
      const last = lastPerKey(rows, (p) => p.itemId);
      await db.query(
        `INSERT INTO products (item_id, name, url, image_url, price, category, updated_at)
         SELECT u.*, $7::int8 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[]) AS u
         ON CONFLICT (item_id) DO UPDATE SET name = excluded.name, url = excluded.url, image_url = excluded.image_url, price = excluded.price, category = excluded.category, updated_at = excluded.updated_at`,
        [...columns(last, [(p) => p.itemId, (p) => p.name, (p) => p.url, (p) => p.imageUrl, (p) => p.price, (p) => p.category]), now],
      );
      return rows.length;
    },
    async get(itemIds) {
      if (!itemIds.length) return [];
      return db.query<ProductRecord>(`SELECT ${PRODUCT} FROM products WHERE item_id = ANY($1::text[])`, [itemIds]);
    },
    async list({ limit, offset }) {
      return db.query<ProductRecord>(`SELECT ${PRODUCT} FROM products ORDER BY item_id LIMIT $1 OFFSET $2`, [limit, offset]);
    },
    async count() {
      return (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM products'))[0]!.n;
    },
    async delete(itemId) {
      return (await db.query('DELETE FROM products WHERE item_id = $1 RETURNING item_id', [itemId])).length > 0;
    },
  };
}
