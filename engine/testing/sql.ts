import type { PostgresStorage } from '../storage/postgres/index.ts';
import type { SqliteStorage } from '../storage/sqlite/index.ts';
import type { Storage } from '../storage/types.ts';

/**
 * Plain SQL against either backend, for tests that check what is stored (duplicates,
 * losses) and for test workers. Write SQL both dialects accept (e.g. alias subqueries).
 */
export function testSql(storage: Storage) {
  const all = async (sql: string): Promise<Record<string, unknown>[]> =>
    storage.dialect === 'postgres' ? (storage as PostgresStorage).db.query(sql) : ((storage as SqliteStorage).raw.prepare(sql).all() as Record<string, unknown>[]);
  return {
    all,
    /** The first column of the first row. */
    async value(sql: string): Promise<unknown> {
      const [row] = await all(sql);
      return row ? Object.values(row)[0] : undefined;
    },
  };
}
