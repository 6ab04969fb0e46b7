/**
 * `npm run bench`: engine throughput next to the raw SQLite write ceiling
 * measured in the same run, plus the models benchmark when present, and a
 * PostgreSQL section (1, 2 and 4 worker processes next to the server's own ceiling).
 * Options: --quick (a tenth of the sizes), --batch=N (engine batch size).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runEngineBench, type BenchRow } from './engine.bench.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const batchArg = args.find((a) => a.startsWith('--batch='));
const scale = quick ? 0.1 : 1;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function table(rows: BenchRow[], ceiling: number | null): string {
  const head = ['benchmark', 'count', 'seconds', 'rate/s', 'ratio to raw', 'note'];
  const body = rows.map((r) => [
    r.name,
    `${fmt(r.count)} ${r.unit}`,
    fmt(r.seconds, 2),
    fmt(r.rate),
    ceiling ? `${(r.rate / ceiling).toFixed(3)} (${((r.rate / ceiling) * 100).toFixed(1)}%)` : '',
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const right = [false, true, true, true, true, false];
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

console.log(`foresight bench — node ${process.version}, ${os.cpus().length} cpu(s) ${os.cpus()[0]?.model ?? ''}${quick ? ' (quick)' : ''}`);
const rows = await runEngineBench({
  rawRows: Math.round(1_000_000 * scale),
  ingestEvents: Math.round(200_000 * scale),
  stepCustomers: Math.round(100_000 * scale),
  ...(batchArg ? { batchSize: Number(batchArg.slice('--batch='.length)) } : {}),
});
const ceiling = rows.find((r) => r.note === 'ceiling')?.rate ?? null;
console.log();
console.log(table(rows, ceiling));

const modelsFile = fileURLToPath(new URL('./models.bench.ts', import.meta.url));
if (existsSync(modelsFile)) {
  try {
    const mod = (await import(modelsFile)) as { runModelsBench?: () => Promise<BenchRow[]> | BenchRow[] };
    if (typeof mod.runModelsBench === 'function') {
      const modelRows = await mod.runModelsBench();
      console.log();
      console.log(table(modelRows, ceiling));
    }
  } catch (err) {
    console.error(`models bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  }
}

try {
  const { runMessagingBench } = await import('./messaging.bench.ts');
  console.log();
  console.log(table(await runMessagingBench({ renders: Math.round(50_000 * scale), emails: Math.round(2_000 * scale) }), null));
} catch (err) {
  console.error(`messaging bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
}

try {
  const { runApiBench } = await import('./api.bench.ts');
  console.log();
  console.log(table(await runApiBench({ batchItems: Math.round(200_000 * scale), singles: Math.round(5_000 * scale) }), ceiling));
} catch (err) {
  console.error(`api bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
}

try {
  const { runPostgresBench } = await import('./postgres.bench.ts');
  const pgRows = await runPostgresBench({ rawRows: Math.round(500_000 * scale), ingestEvents: Math.round(100_000 * scale), stepCustomers: Math.round(50_000 * scale) });
  if (pgRows) {
    // Ratios here are to PostgreSQL's own multi-row ceiling, measured in this run on this machine.
    const pgCeiling = pgRows.find((r) => r.name.startsWith('raw postgres multi-row'))?.rate ?? null;
    console.log();
    console.log('PostgreSQL (one server on this machine; workers are separate processes)');
    console.log(table(pgRows, pgCeiling));
    const one = pgRows.find((r) => r.name === 'node steps: 1 worker process');
    for (const r of pgRows.filter((x) => x.name.startsWith('node steps:') && x !== one)) {
      if (one) console.log(`${r.name}: ${(r.rate / one.rate).toFixed(2)}x one worker`);
    }
  }
} catch (err) {
  console.error(`postgres bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
}

console.log();
const target = 100_000;
for (const r of rows.filter((x) => x.name.startsWith('node steps: overall') || x.name.startsWith('trackEvents'))) {
  console.log(`${r.rate >= target ? 'meets' : 'BELOW'} target ${fmt(target)}/s: ${r.name} ${fmt(r.rate)}/s`);
}
