import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { SystemClock } from '../../core/clock.ts';
import { ForesightError } from '../../core/errors.ts';
import { formatRowError } from '../../ingest/csv.ts';
import { IMPORT_KINDS, importCsv, type ImportKind, type ImportSummary } from '../../ingest/import.ts';
import { progressBar } from '../progress.ts';
import { cliStorage, DB_OPTION } from '../context.ts';

/** Lines in a file, counted in a streaming pass, for the progress bar's total. */
async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

export function formatSummary(s: ImportSummary): string {
  const stored = s.profiles ? `${s.profiles.created} created, ${s.profiles.updated} updated, ${s.duplicates} unchanged` : `${s.imported} imported, ${s.duplicates} already present`;
  return `${s.kind}: ${s.rows} rows read, ${stored}, ${s.rejected.length} rejected`;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import a CSV of customers, orders or events into the database; bad rows are reported and skipped, re-importing changes nothing')
    .argument('<kind>', IMPORT_KINDS.join('|'))
    .argument('<csv>', 'the CSV file (header row first)')
    .option('--db <file>', DB_OPTION)
    .action(async (kind: string, file: string, opts: { db?: string }) => {
      if (!IMPORT_KINDS.includes(kind as ImportKind)) throw new ForesightError('invalid_input', `kind: "${kind}" is not importable; use ${IMPORT_KINDS.join(', ')}`, { field: 'kind' });
      await stat(file).catch(() => {
        throw new ForesightError('file_unreadable', `csv: cannot read "${file}"`, { field: 'csv' });
      });
      const storage = await cliStorage({ db: opts.db });
      const bar = progressBar(kind);
      try {
        const lines = await countLines(file);
        bar.update(0, lines);
        const summary = await importCsv(storage, new SystemClock(), kind as ImportKind, file, { onProgress: (line) => bar.update(line, lines) });
        bar.update(lines, lines);
        bar.stop();
        for (const e of summary.rejected) console.error(formatRowError(e));
        console.log(formatSummary(summary));
        // 1 = ran fine but found problems (as `journey validate`): scripts can tell a partial import.
        if (summary.rejected.length) process.exitCode = 1;
      } finally {
        bar.stop();
        await storage.close();
      }
    });
}
