import { isPostgresUrl, openPostgres, type PgOptions } from './postgres/index.ts';
import { openSqlite } from './sqlite/index.ts';
import type { Storage } from './types.ts';

/** Opens the configured database: a `postgres://` URL is PostgreSQL, anything else a SQLite file. */
export async function openStorage(target: string, pg: PgOptions = {}): Promise<Storage> {
  return isPostgresUrl(target) ? openPostgres(target, pg) : openSqlite(target);
}
