import type { Database } from 'better-sqlite3';
import type { ProductRecord, ProductStore, SettingsStore } from '../types.ts';

const PRODUCT = 'item_id AS itemId, name, url, image_url AS imageUrl, price, category';

export function sqliteSettings(db: Database): SettingsStore {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const put = db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at');
  return {
    async get(key) {
      const row = get.get(key);
      return row ? (JSON.parse(row.value) as unknown) : null;
    },
    async put(key, value, now) {
      put.run(key, JSON.stringify(value), now);
    },
  };
}

export function sqliteProducts(db: Database): ProductStore {
  const upsert = db.prepare(
    `INSERT INTO products (item_id, name, url, image_url, price, category, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (item_id) DO UPDATE SET name = excluded.name, url = excluded.url, image_url = excluded.image_url, price = excluded.price, category = excluded.category, updated_at = excluded.updated_at`,
  );
  const upsertAll = db.transaction((rows: ProductRecord[], now: number) => {
    for (const p of rows) upsert.run(p.itemId, p.name, p.url, p.imageUrl, p.price, p.category, now);
  });
  const page = db.prepare<[number, number], ProductRecord>(`SELECT ${PRODUCT} FROM products ORDER BY item_id LIMIT ? OFFSET ?`);
  return {
    async upsert(rows, now) {
      upsertAll(rows, now);
      return rows.length;
    },
    async get(itemIds) {
      if (!itemIds.length) return [];
      return db.prepare<string[], ProductRecord>(`SELECT ${PRODUCT} FROM products WHERE item_id IN (${itemIds.map(() => '?').join(',')})`).all(...itemIds);
    },
    async list({ limit, offset }) {
      return page.all(limit, offset);
    },
    async count() {
      return (db.prepare('SELECT COUNT(*) AS n FROM products').get() as { n: number }).n;
    },
    async delete(itemId) {
      return db.prepare('DELETE FROM products WHERE item_id = ?').run(itemId).changes > 0;
    },
  };
}
