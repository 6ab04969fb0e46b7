import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { startDemo } from '../../../examples/demo-store/demo.ts';
import { DEMO_EMAIL_DOMAIN, MAX_CUSTOMERS } from '../../../examples/demo-store/generate.ts';
import { SystemClock } from '../../core/clock.ts';
import { ForesightError } from '../../core/errors.ts';
import { previewTransport } from '../../messaging/transport.ts';
import { openStorage } from '../../storage/open.ts';
import { isPostgresUrl, redact, resetPostgres, type PgOptions } from '../../storage/postgres/index.ts';
import { openSqlite } from '../../storage/sqlite/index.ts';
import type { Storage } from '../../storage/types.ts';
import { cliConfig, cliRegistry } from '../context.ts';

const DEMO_ADMIN = { email: 'demo@foresight.test', password: 'foresight-demo' };
const DEMO_SENDER = 'Foresight demo <shop@foresight.test>';

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ForesightError('invalid_input', `${flag}: "${value}" must be a whole number from ${min} to ${max.toLocaleString('en')}`, { field: flag });
  return n;
}

/** The demo recreates its database on every start: never one holding anything but an earlier demo shop. */
async function refuseForeignDatabase(target: string): Promise<void> {
  if (!isPostgresUrl(target) && !existsSync(target)) return;
  const storage = await openStorage(target);
  try {
    const [first] = await storage.customers.list({ limit: 1, offset: 0 });
    if (first && !first.email?.endsWith(DEMO_EMAIL_DOMAIN)) {
      const where = isPostgresUrl(target) ? redact(target) : target;
      throw new ForesightError('invalid_input', `--db: "${where}" holds customers that are not demo data; the demo recreates its database, so give it another one (default ./foresight-demo.db)`, { field: '--db' });
    }
  } finally {
    await storage.close();
  }
}

/** An empty demo database: the SQLite file deleted, or the PostgreSQL database's tables dropped, then migrated. */
async function freshDemoStorage(target: string, pgOptions: PgOptions): Promise<Storage> {
  await refuseForeignDatabase(target);
  if (isPostgresUrl(target)) return resetPostgres(target, pgOptions);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  return openSqlite(target);
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('generate a demo shop, fit the models, put three template journeys live and run them on a sped-up clock with the builder')
    .option('--customers <n>', 'customers in the demo shop (1 to 1,000,000)', '5000')
    .option('--seed <n>', 'random seed: the same seed gives the same shop', '42')
    .option('--speed <x>', 'simulated seconds per real second (3600 = an hour per second)', '3600')
    .option('--port <port>', 'HTTP port (env PORT, default 4000)')
    .option('--db <file|url>', 'demo database (SQLite file or postgres:// URL), recreated on every start', './foresight-demo.db')
    .action(async (opts: { customers: string; seed: string; speed: string; port?: string; db: string }) => {
      const customers = wholeNumber('--customers', opts.customers, 1, MAX_CUSTOMERS);
      const seed = wholeNumber('--seed', opts.seed, 0, 2 ** 31 - 1);
      const speed = wholeNumber('--speed', opts.speed, 1, 10_000_000);
      const base = cliConfig({ port: opts.port, db: opts.db });
      // The demo signs in with known credentials unless the environment names an admin.
      const config = {
        ...base,
        adminEmail: base.adminEmail ?? DEMO_ADMIN.email,
        adminPassword: base.adminPassword ?? DEMO_ADMIN.password,
        // Signed links and a sender so every mail can be composed; the secret lives for this run only.
        messaging: { ...base.messaging, secret: base.messaging.secret ?? randomBytes(32).toString('hex'), mailFrom: base.messaging.mailFrom ?? DEMO_SENDER },
      };
      const storage = await freshDemoStorage(config.db, config.pg);
      const demo = await startDemo({
        config,
        storage,
        // Without a mail server the demo composes each mail and keeps it, so sends count as sent.
        registry: await cliRegistry(config, config.messaging.smtpUrl ? {} : { mailTransport: previewTransport() }),
        clock: new SystemClock(),
        customers,
        seed,
        speed,
        handleSignals: true,
        say: (line) => console.log(line),
      });
      console.log(`\nForesight demo running at ${demo.server.url}; shop time runs ${speed.toLocaleString('en')}× faster than real time`);
      if (!config.messaging.smtpUrl) console.log('Emails are composed but not delivered; set FORESIGHT_SMTP_URL to send them.');
      if (!base.adminEmail) console.log(`Sign in as ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
      console.log('Stop with Ctrl+C.');
    });
}
