import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { importProductsCsv } from '../../catalog/products.ts';
import { SystemClock } from '../../core/clock.ts';
import { ForesightError } from '../../core/errors.ts';
import { formatRowError } from '../../ingest/csv.ts';
import { cliStorage, DB_OPTION } from '../context.ts';

/** `foresight catalog import <csv>`: the product catalogue emails show recommendations from. */
export function registerCatalogCommand(program: Command): void {
  program
    .command('catalog')
    .description('the product catalogue that recommendation and cross-sell blocks in emails show')
    .command('import')
    .description('import products from a CSV (item_id,name,url[,image_url][,price][,category]); rows are added or replaced by item_id, bad rows are reported and skipped')
    .argument('<csv>', 'the CSV file (header row first)')
    .option('--db <file>', DB_OPTION)
    .action(async (file: string, opts: { db?: string }) => {
      await stat(file).catch(() => {
        throw new ForesightError('file_unreadable', `csv: cannot read "${file}"`, { field: 'csv' });
      });
      const storage = await cliStorage({ db: opts.db });
      try {
        const r = await importProductsCsv(storage, file, new SystemClock().now().getTime());
        for (const e of r.rejected) console.error(formatRowError(e));
        console.log(`products: ${r.rows} rows read, ${r.imported} imported, ${r.rejected.length} rejected; ${await storage.products.count()} in the catalogue`);
        if (r.rejected.length) process.exitCode = 1;
      } finally {
        await storage.close();
      }
    });
}
