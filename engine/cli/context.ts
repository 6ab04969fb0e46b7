import { readFile } from 'node:fs/promises';
import { builtinRegistry, type BuiltinOptions } from '../../nodes/index.ts';
import { loadConfig, type Config, type ConfigOverrides } from '../config.ts';
import { ForesightError, errorMessage } from '../core/errors.ts';
import { DATE_ONLY, parseInstant } from '../core/time.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import { openStorage } from '../storage/open.ts';
import type { Storage } from '../storage/types.ts';

/** Config from env with this command's flags on top. */
export function cliConfig(flags: ConfigOverrides = {}): Config {
  return loadConfig(process.env, flags);
}

/** Help text of every command's --db option. */
export const DB_OPTION = 'SQLite database file or postgres:// URL (env FORESIGHT_DB, then DATABASE_URL; default ./foresight.db)';

/** The configured database (SQLite file or PostgreSQL URL), migrated and open. */
export function cliStorage(flags: ConfigOverrides = {}): Promise<Storage> {
  const config = cliConfig(flags);
  return openStorage(config.db, config.pg);
}

/** The built-in nodes (with mail and webhook delivery as configured) plus every configured plugin. */
export async function cliRegistry(config: Config, extra: Pick<BuiltinOptions, 'mailTransport'> = {}): Promise<NodeRegistry> {
  const registry = builtinRegistry({ ...config.messaging, ...extra });
  for (const p of config.plugins) await registry.load(p);
  return registry;
}

export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ForesightError('file_unreadable', `${what}: cannot read "${file}": ${errorMessage(err)}`, { field: what });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ForesightError('invalid_json', `${what}: "${file}" is not valid JSON: ${errorMessage(err)}`, { field: what });
  }
}

/** A CLI date, read strictly and as UTC when it has no offset. A bare date at the end of a range means that whole day. */
export function parseCliDate(flag: string, value: string, endOfDay = false): Date {
  const d = parseInstant(value, flag);
  return endOfDay && DATE_ONLY.test(value.trim()) ? new Date(d.getTime() + 86_400_000 - 1) : d;
}
