import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { SystemClock } from '../../core/clock.ts';
import { ForesightError } from '../../core/errors.ts';
import { exportCustomer } from '../../privacy/export.ts';
import { requireCustomer } from '../../privacy/find.ts';
import { cliStorage, DB_OPTION } from '../context.ts';

export function registerCustomerCommand(program: Command): void {
  const cmd = program.command('customer').description('privacy requests: export or erase what is held on a customer');
  cmd
    .command('export')
    .description('print (or write) everything held on a customer as JSON')
    .argument('<id>', "the customer's id in your system")
    .option('--db <file>', DB_OPTION)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (id: string, opts: { db?: string; out?: string }) => {
      const storage = await cliStorage({ db: opts.db });
      try {
        const json = JSON.stringify(await exportCustomer(storage, await requireCustomer(storage, id, 'id')), null, 2);
        if (opts.out) await writeFile(opts.out, json);
        else console.log(json);
      } finally {
        await storage.close();
      }
    });
  cmd
    .command('erase')
    .description('remove the personal data of a customer (anonymised counts stay); cannot be undone')
    .argument('<id>', "the customer's id in your system")
    .option('--db <file>', DB_OPTION)
    .option('--yes', 'confirm: this cannot be undone')
    .action(async (id: string, opts: { db?: string; yes?: boolean }) => {
      if (!opts.yes) throw new ForesightError('invalid_input', '--yes: erasing cannot be undone; add --yes to confirm', { field: '--yes' });
      const storage = await cliStorage({ db: opts.db });
      try {
        const c = await requireCustomer(storage, id, 'id');
        await storage.privacy.erase(c.id, new SystemClock().now().getTime());
        console.log(`erased customer "${id}"`);
      } finally {
        await storage.close();
      }
    });
}
