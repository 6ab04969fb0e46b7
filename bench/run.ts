/**
 * `npm run bench`: engine throughput next to the raw SQLite write ceiling
 * measured in the same run, plus the models benchmark when present, and a
 * PostgreSQL section (1, 2 and 4 worker processes next to the server's own ceiling).
 * Options: --quick (a tenth of the sizes), --scale (large sizes for the steady-state sections), --batch=N (engine batch size).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runEngineBench, type BenchRow } from './engine.bench.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** --scale: the large sizes of the steady-state sections (issue 17); the default run stays a few minutes. */
const big = args.includes('--scale');
const batchArg = args.find((a) => a.startsWith('--batch='));
const scale = quick ? 0.1 : 1;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The ceiling row's rates, wall clock and per CPU second (see BenchRow.cpuRate). */
type Ceiling = { rate: number; cpuRate?: number } | null;

function table(rows: BenchRow[], ceiling: Ceiling): string {
  const head = ['benchmark', 'count', 'seconds', 'rate/s', 'ratio to raw', 'per CPU-s', 'CPU ratio', 'note'];
  const body = rows.map((r) => [
    r.name,
    `${fmt(r.count)} ${r.unit}`,
    fmt(r.seconds, 2),
    fmt(r.rate),
    ceiling ? `${(r.rate / ceiling.rate).toFixed(3)} (${((r.rate / ceiling.rate) * 100).toFixed(1)}%)` : '',
    r.cpuRate ? fmt(r.cpuRate) : '',
    r.cpuRate && ceiling?.cpuRate ? (r.cpuRate / ceiling.cpuRate).toFixed(3) : '',
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const right = [false, true, true, true, true, true, true, false];
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
const ceiling: Ceiling = rows.find((r) => r.note === 'ceiling') ?? null;
console.log();
console.log(table(rows, ceiling));

/** One section of the report: a failure is printed and fails the run, and the other sections still run. */
async function section(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    console.error(`${name} bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  }
}

const modelsFile = fileURLToPath(new URL('./models.bench.ts', import.meta.url));
if (existsSync(modelsFile)) {
  await section('models', async () => {
    const mod = (await import(modelsFile)) as { runModelsBench?: () => Promise<BenchRow[]> | BenchRow[] };
    if (typeof mod.runModelsBench === 'function') {
      const modelRows = await mod.runModelsBench();
      console.log();
      console.log(table(modelRows, ceiling));
    }
  });
}

await section('messaging', async () => {
  const { runMessagingBench } = await import('./messaging.bench.ts');
  console.log();
  console.log(table(await runMessagingBench({ renders: Math.round(50_000 * scale), emails: Math.round(2_000 * scale) }), null));
});

await section('api', async () => {
  const { runApiBench } = await import('./api.bench.ts');
  console.log();
  console.log(table(await runApiBench({ batchItems: Math.round(200_000 * scale), singles: Math.round(5_000 * scale) }), ceiling));
});

await section('timers', async () => {
  const { runChild } = await import('./child.ts');
  // Timers come due at each rate in turn while the rest wait; --scale: 1,000,000 waiting (default about 105,000).
  // In a process of its own: the peak RSS is then the serve loop's, not the earlier sections' heap.
  const opts = big
    ? { segments: [1_000, 10_000, 20_000, 40_000].map((rate) => ({ rate, seconds: 10 })), parked: 290_000 }
    : { segments: [1_000, 2_500, 5_000, 10_000].map((rate) => ({ rate, seconds: 3 })), parked: Math.round(50_000 * scale) };
  const timers = JSON.parse(await runChild('./timers-child.ts', [JSON.stringify(opts)])) as { rows: Parameters<typeof table>[0]; notes: string[] };
  console.log();
  console.log(table(timers.rows, null));
  for (const n of timers.notes) console.log(n);
});

await section('storage', async () => {
  const { runStorageBench } = await import('./storage.bench.ts');
  // A steady shop: customers enter and complete the 5-node journey every day; retention (2 days here) from the middle on.
  const storage = await runStorageBench({ perDay: Math.round((big ? 200_000 : 20_000) * scale), days: 6, retentionDays: 2 });
  console.log();
  console.log(table(storage.rows, null));
  for (const n of storage.notes) console.log(n);
});

await section('track clients', async () => {
  const { runTrackClientsBench } = await import('./track-clients.bench.ts');
  console.log();
  console.log(table(await runTrackClientsBench({ requests: Math.round((big ? 100_000 : 20_000) * scale), clients: [8, 32] }), ceiling));
});

await section('postgres', async () => {
  const { runPostgresBench } = await import('./postgres.bench.ts');
  const pgRows = await runPostgresBench({ rawRows: Math.round(500_000 * scale), ingestEvents: Math.round(100_000 * scale), stepCustomers: Math.round(50_000 * scale) });
  if (pgRows) {
    // Ratios here are to PostgreSQL's own multi-row ceiling, measured in this run on this machine.
    const pgCeiling = pgRows.find((r) => r.name.startsWith('raw postgres multi-row')) ?? null;
    console.log();
    console.log('PostgreSQL (one server on this machine; workers are separate processes)');
    console.log(table(pgRows, pgCeiling));
    const one = pgRows.find((r) => r.name === 'node steps: 1 worker process');
    for (const r of pgRows.filter((x) => x.name.startsWith('node steps:') && x !== one)) {
      if (one) console.log(`${r.name}: ${(r.rate / one.rate).toFixed(2)}x one worker`);
    }
  }
});

console.log();
const target = 100_000;
for (const r of rows.filter((x) => x.name.startsWith('node steps: overall') || x.name.startsWith('trackEvents'))) {
  console.log(`${r.rate >= target ? 'meets' : 'BELOW'} target ${fmt(target)}/s: ${r.name} ${fmt(r.rate)}/s`);
}
