import type { Command } from 'commander';
import { ForesightError } from '../../core/errors.ts';
import { type EvaluationReport, evaluateModels } from '../../models/evaluate.ts';
import { readOrdersCsv } from '../../models/orders-csv.ts';
import { PURCHASE_MODELS, type PurchaseModelName } from '../../models/purchase-model.ts';
import { dayNumber, parseTimeUnit, requireIsoDate } from '../../models/time.ts';
import { featuresAt, indexOrders } from '../../models/features.ts';
import { formatRowError } from '../../ingest/csv.ts';
import { requireRepeatBuyers } from './repeat-buyers.ts';

/**
 * `foresight models evaluate`: the out-of-time check (engine/models/evaluate.ts) on an orders
 * CSV — fit on orders up to the calibration end, compare with the holdout.
 */
export function registerEvaluateCommand(models: Command): void {
  models
    .command('evaluate')
    .description('fit on orders up to the calibration end and check every score against the holdout that follows')
    .requiredOption('--orders <csv>', 'orders CSV: customer_id,order_id,ordered_at,amount[,quantity][,items]')
    .requiredOption('--calibration-end <date>', 'last day (YYYY-MM-DD) the models may see')
    .requiredOption('--holdout-end <date>', 'last day (YYYY-MM-DD) of the holdout the scores are checked against')
    .option('--time-unit <unit>', 'unit of x, t_x, T: day or week', 'week')
    .option('--churn-window <days>', 'churn = P(no purchase in this many days)', '90')
    .option('--models <list>', `purchase models to choose from, comma-separated (${PURCHASE_MODELS.join(',')})`)
    .option('--resamples <n>', 'bootstrap resamples for the AUC intervals', '200')
    .option('--json', 'print the whole report as JSON')
    .action(async (opts: { orders: string; calibrationEnd: string; holdoutEnd: string; timeUnit: string; churnWindow: string; models?: string; resamples: string; json?: boolean }) => {
      const timeUnit = parseTimeUnit(opts.timeUnit, '--time-unit');
      const calibrationEnd = requireIsoDate(opts.calibrationEnd, '--calibration-end');
      const holdoutEnd = requireIsoDate(opts.holdoutEnd, '--holdout-end');
      const churnWindowDays = positive(opts.churnWindow, '--churn-window', 'a number of days, e.g. 90');
      const resamples = positive(opts.resamples, '--resamples', 'a whole number, e.g. 200');
      const purchaseModels = opts.models === undefined ? undefined : parseModels(opts.models);
      const { orders, rejected } = await readOrdersCsv(opts.orders);
      for (const r of rejected) console.error(formatRowError({ file: opts.orders, ...r }));
      if (orders.length === 0) throw new ForesightError('no_orders', `${opts.orders}: no usable orders; fix the rows reported above`, { field: '--orders' });
      requireObservedHoldout(orders, holdoutEnd);
      requireRepeatBuyers(featuresAt(indexOrders(orders.filter((o) => dayNumber(o.orderedAt) <= dayNumber(calibrationEnd))), calibrationEnd, timeUnit), calibrationEnd);
      const report = evaluateModels({ orders, calibrationEnd, holdoutEnd, timeUnit, resamples, options: { churnWindowDays, purchaseModels } });
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatEvaluation(report));
    });
}

/**
 * A file says nothing about the days after its last order: a holdout reaching past it would count
 * every customer as not buying there and judge the scores on made-up outcomes.
 */
function requireObservedHoldout(orders: { orderedAt: Date }[], holdoutEnd: Date): void {
  const last = orders.reduce((max, o) => Math.max(max, o.orderedAt.getTime()), -Infinity);
  const lastDay = new Date(last).toISOString().slice(0, 10);
  const endDay = holdoutEnd.toISOString().slice(0, 10);
  if (endDay > lastDay) {
    throw new ForesightError('invalid_input', `--holdout-end: ${endDay} is after the last order in the file (${lastDay}); the days after it hold no data, so give --holdout-end ${lastDay} or earlier (and a --calibration-end before it)`, { field: '--holdout-end' });
  }
}

function positive(text: string, field: string, example: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new ForesightError('invalid_input', `${field}: "${text}" is not positive; give ${example}`, { field });
  return v;
}

function parseModels(text: string): PurchaseModelName[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(PURCHASE_MODELS as readonly string[]).includes(name)) {
      throw new ForesightError('invalid_input', `--models: "${name}" is not a purchase model; use one or more of ${PURCHASE_MODELS.join(',')}`, { field: '--models' });
    }
  }
  if (names.length === 0) throw new ForesightError('invalid_input', `--models: give at least one of ${PURCHASE_MODELS.join(',')}`, { field: '--models' });
  return names as PurchaseModelName[];
}

/**
 * The report as plain text tables.
 * @example console.log(formatEvaluation(evaluateModels(input)))
 */
export function formatEvaluation(r: EvaluationReport): string {
  const names = r.models.map((m) => m.name);
  const lines: string[] = [];
  lines.push(`calibration to ${r.calibrationEnd}, holdout to ${r.holdoutEnd} (${r.holdoutDays} days): ${r.customers} customers, ${r.holdoutBuyers} (${pct(r.holdoutBuyerShare)}) bought in the holdout`);
  lines.push(`purchase model: ${r.purchaseModel.name} (${params(r.purchaseModel.params)}); chosen by ${r.purchaseModel.selection.reason}`);
  for (const m of r.models) lines.push(`  ${m.name}: ${params(m.params)}, log-likelihood ${m.logLik.toFixed(2)}`);
  lines.push('', 'FHL table: mean holdout purchases by calibration repeat purchases');
  lines.push(['x', 'customers', 'actual', ...names].map((h) => h.padStart(11)).join(''));
  for (const row of r.fhl) lines.push([row.x, String(row.customers), row.actual.toFixed(3), ...names.map((n) => (row.predicted[n] ?? NaN).toFixed(3))].map((c) => c.padStart(11)).join(''));
  lines.push('', 'cumulative repeat purchases (every 4th week and the last)');
  lines.push(['week', 'ends', 'actual', ...names].map((h) => h.padStart(11)).join(''));
  r.tracking.forEach((p, k) => {
    if (k % 4 === 3 || k === r.tracking.length - 1) lines.push([String(p.week), p.end, String(p.actual), ...names.map((n) => (p.predicted[n] ?? NaN).toFixed(1))].map((c) => c.padStart(11)).join(''));
  });
  lines.push('', 'scores against the holdout (AUC with bootstrap 95 % interval; Brier where the windows match)');
  for (const s of r.scores) {
    lines.push(`  ${s.score} vs ${s.outcome}: ${s.events}/${s.customers} events`);
    lines.push(`    AUC ${s.auc.toFixed(3)} [${s.aucLow.toFixed(3)}, ${s.aucHigh.toFixed(3)}]; ${s.baseline.name} ${s.baseline.auc.toFixed(3)} [${s.baseline.aucLow.toFixed(3)}, ${s.baseline.aucHigh.toFixed(3)}]${s.brier === null ? '' : `; Brier ${s.brier.toFixed(4)} (base rate ${s.baseRateBrier!.toFixed(4)})`}`);
    lines.push(`    ${s.verdict}`);
  }
  const n = r.nextPurchase;
  lines.push('', 'next purchase');
  const days = (v: number | null): string => (v === null ? '—' : `${v.toFixed(1)} days`);
  lines.push(`  ${n.withDate} customers have a date (more likely than not to buy within the ${n.windowDays}-day churn window); median abs. error ${days(n.medianAbsErrorDays)} over ${n.holdoutBuyersWithDate} holdout buyers with a date`);
  lines.push(`  the distribution's median anywhere in the horizon (what a wait falls back on): ${n.horizonMedian.withDate} customers, median abs. error ${days(n.horizonMedian.medianAbsErrorDays)}`);
  lines.push(`  ${n.dueInHoldout} dates fall inside the holdout; ${n.boughtByDateShare === null ? '—' : pct(n.boughtByDateShare)} of them had bought by it (ideal 50 %)`);
  lines.push(`  80 % interval (1st to 9th decile): ${n.coverage === null ? '—' : pct(n.coverage)} of first purchases inside (censoring-aware)`);
  lines.push(`  share bought by each predicted decile (ideal 10 %, 20 %, …): ${n.deciles.map((d) => (d === null ? '—' : pct(d))).join(', ')}`);
  lines.push('', `CLV (undiscounted, holdout horizon): predicted ${r.clv.predictedTotal.toFixed(0)} vs realised ${r.clv.actualTotal.toFixed(0)}; correlation ${r.clv.correlation === null ? '—' : r.clv.correlation.toFixed(3)}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)} %`;
}

function params(p: Record<string, number>): string {
  return Object.entries(p).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ');
}
