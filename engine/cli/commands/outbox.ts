import type { Command } from 'commander';
import { SystemClock } from '../../core/clock.ts';
import { ForesightError } from '../../core/errors.ts';
import { UNKNOWN_POLICY } from '../../executor/group-commit.ts';
import { openSqlite } from '../../storage/sqlite/index.ts';
import type { OutboxStatus, Storage } from '../../storage/types.ts';
import { cliConfig, parseCliDate } from '../context.ts';

async function withStorage<T>(db: string | undefined, fn: (s: Storage) => Promise<T>): Promise<T> {
  const storage = openSqlite(cliConfig({ db }).db);
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

const REQUEUABLE = ['unknown', 'failed'] as const;

/** `foresight outbox …` (inspect and re-queue deliveries) and `foresight suppressions lift`. */
export function registerOutboxCommands(program: Command): void {
  const outbox = program.command('outbox').description('deliveries: see what is queued, failed or unknown after a crash, and re-queue');
  outbox
    .command('list')
    .description('counts by status, or the entries of one status (e.g. --status unknown)')
    .option('--db <file>', 'SQLite database file (env FORESIGHT_DB)')
    .option('--status <status>', 'pending, claimed, sending, sent, skipped, failed, unknown or cancelled')
    .option('--limit <n>', 'most entries to print', '100')
    .action(async (opts: { db?: string; status?: string; limit: string }) => {
      await withStorage(opts.db, async (s) => {
        if (!opts.status) {
          console.log(JSON.stringify(await s.outbox.countByStatus()));
          return;
        }
        const entries = await s.outbox.list({ status: opts.status as OutboxStatus, limit: Number(opts.limit) || 100 });
        for (const e of entries) console.log(`${e.key}\t${e.kind}\t${e.status}\tattempts=${e.attempts}\t${e.lastError ?? ''}`);
        if (opts.status === 'unknown') console.error(UNKNOWN_POLICY);
      });
    });
  outbox
    .command('requeue')
    .description('send unknown (or failed) entries again: every one of that status, or only the given keys')
    .argument('[keys...]', 'outbox keys (default: all of --status)')
    .option('--db <file>', 'SQLite database file (env FORESIGHT_DB)')
    .option('--status <status>', 'unknown or failed', 'unknown')
    .action(async (keys: string[], opts: { db?: string; status: string }) => {
      if (!(REQUEUABLE as readonly string[]).includes(opts.status)) throw new ForesightError('invalid_input', `--status: "${opts.status}" cannot be re-queued; use unknown or failed`, { field: '--status' });
      const n = await withStorage(opts.db, (s) => s.outbox.requeue({ status: opts.status as (typeof REQUEUABLE)[number], keys: keys.length ? keys : undefined }, new SystemClock().now().getTime()));
      console.log(`re-queued ${n} ${opts.status} entr${n === 1 ? 'y' : 'ies'}`);
    });

  program
    .command('suppressions')
    .description('the suppression list')
    .command('lift')
    .description('lift suppressions in bulk by reason and time added (e.g. bounces recorded during a relay outage)')
    .requiredOption('--reason <reason>', 'e.g. bounce')
    .option('--since <time>', 'added at or after (ISO 8601)')
    .option('--until <time>', 'added at or before (ISO 8601; a bare date means the whole day)')
    .option('--db <file>', 'SQLite database file (env FORESIGHT_DB)')
    .action(async (opts: { reason: string; since?: string; until?: string; db?: string }) => {
      const since = opts.since ? parseCliDate('--since', opts.since).getTime() : undefined;
      const until = opts.until ? parseCliDate('--until', opts.until, true).getTime() : undefined;
      const n = await withStorage(opts.db, (s) => s.suppressions.lift({ reason: opts.reason, since, until }));
      console.log(`lifted ${n} suppression${n === 1 ? '' : 's'} (reason ${opts.reason})`);
    });
}
