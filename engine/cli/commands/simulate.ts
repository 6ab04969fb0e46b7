import type { Command } from 'commander';
import { z } from 'zod';
import { ForesightError } from '../../core/errors.ts';
import { formatRowError } from '../../ingest/csv.ts';
import { simulate, type SimulatedSegment, type SimulationReport } from '../../simulate/simulate.ts';
import { cliConfig, cliRegistry, parseCliDate, readJsonFile } from '../context.ts';
import { progressBar } from '../progress.ts';

interface Opts {
  journey: string;
  customers?: string;
  events?: string;
  orders?: string;
  segments?: string;
  from: string;
  to: string;
  json?: boolean;
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('replay CSV history through a journey on a throwaway database; nothing is sent')
    .requiredOption('--journey <file>', 'journey JSON file')
    .option('--customers <csv>', 'customer_id,email,timezone,<attribute columns…>')
    .option('--events <csv>', 'customer_id,type,occurred_at[,idempotency_key][,properties (JSON object)]')
    .option('--orders <csv>', 'customer_id,order_id,ordered_at,amount[,quantity]')
    .option('--segments <file>', 'saved segments the journey names: JSON [{ "name", "definition" }], or a template\'s description.json')
    .requiredOption('--from <date>', 'replay start; earlier rows are history and enroll nobody')
    .requiredOption('--to <date>', 'replay end (a bare date means the end of that day)')
    .option('--json', 'print { nodes, converted, messages } as JSON')
    .action(async (opts: Opts) => {
      const from = parseCliDate('--from', opts.from);
      const to = parseCliDate('--to', opts.to, true);
      const registry = await cliRegistry(cliConfig());
      const journey = await readJsonFile(opts.journey, 'journey');
      const segments = opts.segments ? parseSegments(await readJsonFile(opts.segments, 'segments')) : [];
      const bar = progressBar('replay');
      const report = await simulate({
        journey,
        registry,
        segments,
        customers: opts.customers,
        events: opts.events,
        orders: opts.orders,
        from,
        to,
        onRowError: (e) => console.error(formatRowError(e)),
        onProgress: (done, total) => bar.update(done, total),
      }).finally(() => bar.stop());
      for (const [file, n] of Object.entries(report.skipped)) if (n > 0) console.error(`${file}: skipped ${n} bad row${n === 1 ? '' : 's'}`);
      // Said even with --json: a journey that reads scores enrolls nobody without them.
      if (report.scoring.skipped) console.error(`warning: the journey reads model scores, but the models could not be fitted (${report.scoring.skipped}); give --orders with purchase history`);
      if (opts.json) console.log(JSON.stringify(report.result, null, 2));
      else console.log(renderTable(report));
    });
}

const segmentList = z.array(z.object({ name: z.string().trim().min(1, 'give the segment a name'), definition: z.unknown() }));

/** A JSON list of segments, or a template's description.json, which carries them under "segments". */
function parseSegments(json: unknown): SimulatedSegment[] {
  const wrapped = json !== null && typeof json === 'object' && !Array.isArray(json);
  const r = segmentList.safeParse(wrapped ? (json as { segments?: unknown }).segments : json);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = [...(wrapped ? ['segments'] : []), ...issue.path].join('.') || 'file';
  throw new ForesightError('invalid_input', `--segments: ${at}: ${issue.message}; write [{ "name": "vip", "definition": { … } }] or { "segments": [ … ] }`, { field: 'segments' });
}

function renderTable({ result, rows, scoring }: SimulationReport): string {
  const header = ['node', 'entered', 'waiting', 'ports'];
  const body = Object.entries(result.nodes).map(([id, n]) => [
    id,
    String(n.entered),
    String(n.waiting),
    Object.entries(n.ports)
      .map(([p, c]) => `${p}=${c}`)
      .join(' ') || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `converted: ${result.converted}`,
    `messages that would have been sent: ${result.messages}`,
    `rows: ${rows.history} history, ${rows.replayed} replayed, ${rows.ignored} after --to (ignored)`,
    ...(scoring.runs ? [`models: customers scored ${scoring.runs} time${scoring.runs === 1 ? '' : 's'} on the replay's clock (at --from, then daily)`] : []),
  ].join('\n');
}
