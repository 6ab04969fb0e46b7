import type { Command } from 'commander';
import { AuthService } from '../../auth/service.ts';
import { SystemClock } from '../../core/clock.ts';
import { ForesightError } from '../../core/errors.ts';
import type { Storage } from '../../storage/types.ts';
import { cliStorage, DB_OPTION } from '../context.ts';

async function withAuth<T>(db: string | undefined, fn: (auth: AuthService) => Promise<T>): Promise<T> {
  const storage: Storage = await cliStorage({ db });
  try {
    return await fn(new AuthService(storage, new SystemClock()));
  } finally {
    await storage.close();
  }
}

/** The first line of stdin: passwords never go on the command line, where `ps` and shell history see them. */
async function readStdinLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export function registerApiKeyCommand(program: Command): void {
  const cmd = program.command('apikey').description('API keys for the HTTP API (shown once, stored hashed)');
  cmd
    .command('create')
    .requiredOption('--name <name>', 'where the key is used, e.g. "shop website"')
    .option('--scope <scope>', 'track (ingestion only) or admin', 'track')
    .option('--rate-limit <n>', "ingestion requests per second for this key; 0 or off: unlimited (a trusted server-side key); default: the server's FORESIGHT_INGEST_RATE_LIMIT")
    .option('--db <file>', DB_OPTION)
    .action(async (opts: { name: string; scope: string; rateLimit?: string; db?: string }) => {
      if (opts.scope !== 'track' && opts.scope !== 'admin') throw new ForesightError('invalid_input', `--scope: "${opts.scope}" is not a scope; use track or admin`, { field: '--scope' });
      const rate = opts.rateLimit === undefined ? null : opts.rateLimit === 'off' ? 0 : Number(opts.rateLimit);
      if (rate !== null && !(Number.isInteger(rate) && rate >= 0)) throw new ForesightError('invalid_input', `--rate-limit: "${opts.rateLimit}" is not a rate; give requests per second, e.g. 1000, or off`, { field: '--rate-limit' });
      const { key, record } = await withAuth(opts.db, (a) => a.createApiKey(opts.name, opts.scope as 'track' | 'admin', rate));
      console.error(`created key ${record.id} "${record.name}" (scope ${record.scope}); it is shown only now:`);
      console.log(key);
    });
  cmd
    .command('list')
    .option('--db <file>', DB_OPTION)
    .action(async (opts: { db?: string }) => {
      for (const k of await withAuth(opts.db, (a) => a.listApiKeys())) {
        const rate = k.rateLimit === null ? 'default rate' : k.rateLimit === 0 ? 'unlimited' : `${k.rateLimit}/s`;
        console.log(`${k.id}\t${k.prefix}…\t${k.scope}\t${k.name}\t${rate}\t${k.revokedAt ? 'revoked' : 'active'}`);
      }
    });
  cmd
    .command('revoke')
    .argument('<id>', 'the key id from `apikey list`')
    .option('--db <file>', DB_OPTION)
    .action(async (id: string, opts: { db?: string }) => {
      await withAuth(opts.db, (a) => a.revokeApiKey(Number(id)));
      console.log(`revoked key ${id}`);
    });
}

export function registerUserCommand(program: Command): void {
  program
    .command('user')
    .description('builder users')
    .command('create')
    .description('create a builder user; the password is read from the first line of stdin')
    .requiredOption('--email <email>', "the user's email")
    .option('--role <role>', 'admin or editor', 'editor')
    .option('--db <file>', DB_OPTION)
    .action(async (opts: { email: string; role: string; db?: string }) => {
      if (opts.role !== 'admin' && opts.role !== 'editor') throw new ForesightError('invalid_input', `--role: "${opts.role}" is not a role; use admin or editor`, { field: '--role' });
      const password = await readStdinLine();
      const user = await withAuth(opts.db, (a) => a.createUser(opts.email, password, opts.role as 'admin' | 'editor'));
      console.log(`created ${user.role} ${user.email}`);
    });
}
