import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify';
import { SystemClock, VirtualClock } from '../../core/clock.ts';
import { ForesightError } from '../../core/errors.ts';
import { formatRowError } from '../../ingest/csv.ts';
import { fitBgnbd } from '../../models/bgnbd.ts';
import { featuresAt, indexOrders } from '../../models/features.ts';
import { fitGammaGamma, type GammaGammaFit } from '../../models/gamma-gamma.ts';
import { runScoringJob } from '../../models/job.ts';
import { readOrdersCsv } from '../../models/orders-csv.ts';
import { type CustomerScore, customerScores, scoreCustomers } from '../../models/score.ts';
import { PURCHASE_MODELS, type PurchaseModelName } from '../../models/purchase-model.ts';
import { MS_PER_DAY, parseTimeUnit, requireIsoDate } from '../../models/time.ts';
import type { Order, TimeUnit } from '../../models/types.ts';
import { cliStorage, DB_OPTION } from '../context.ts';
import { registerEvaluateCommand } from './models-evaluate.ts';
import { requireRepeatBuyers } from './repeat-buyers.ts';

/**
 * `foresight models fit|predict`: the purchase models on an orders CSV, no database (the
 * output shapes are a contract, issue 4: automated checks parse them). `models score` runs
 * the server's nightly scoring job on demand against a database.
 */

interface DataOpts {
  orders: string;
  calibrationEnd?: string;
  timeUnit: string;
}

/** The predict CSV's columns, in order: the issue-11 contract first, extras after. Dates YYYY-MM-DD; empty = unknown. */
export const PREDICT_COLUMNS = [
  'customer_id',
  'x',
  't_x',
  'T',
  'p_alive',
  'expected_purchases',
  'churn_probability',
  'purchase_probability_30d',
  'purchase_probability_90d',
  'next_purchase_at',
  'next_purchase_low',
  'next_purchase_high',
  'clv',
  'lifecycle_stage',
  'value_tier',
  'rfm_segment',
  'model',
  'purchase_probability_60d',
  'overdue_probability',
  'expected_spend_per_purchase',
  'rfm_r',
  'rfm_f',
  'rfm_m',
] as const;

export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('fit the purchase models (BG/NBD, Gamma-Gamma) to an orders CSV and predict per customer');

  dataOptions(models.command('fit').description('fit BG/NBD and Gamma-Gamma on the orders up to the calibration end'))
    .option('--json', 'print { customers, bgnbd: { r, alpha, a, b, logLik }, gammaGamma: { p, q, gamma } }')
    .action(async (opts: DataOpts & { json?: boolean }) => {
      const { orders, asOf, timeUnit } = await loadCalibration(opts);
      const table = featuresAt(indexOrders(orders), asOf, timeUnit);
      requireRepeatBuyers(table, asOf);
      const x = table.x.subarray(0, table.buyers);
      const bg = fitBgnbd({ x, tx: table.tx.subarray(0, table.buyers), T: table.T.subarray(0, table.buyers) });
      const gg = fitSpendOrNull(x, table.repeatMean.subarray(0, table.buyers));
      const result = {
        customers: table.buyers,
        bgnbd: { ...bg.params, logLik: bg.logLik },
        gammaGamma: gg ? gg.params : null,
      };
      if (opts.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      const se = bg.standardErrors;
      console.log(
        [
          `customers: ${result.customers} (calibration end ${day(asOf)}, time unit ${timeUnit})`,
          `BG/NBD: r = ${fmt(bg.params.r)} (±${fmt(se.r)}), alpha = ${fmt(bg.params.alpha)} (±${fmt(se.alpha)}), a = ${fmt(bg.params.a)} (±${fmt(se.a)}), b = ${fmt(bg.params.b)} (±${fmt(se.b)}); log-likelihood ${bg.logLik.toFixed(2)}`,
          gg
            ? `Gamma-Gamma (${gg.customers} repeat buyers): p = ${fmt(gg.params.p)}, q = ${fmt(gg.params.q)}, gamma = ${fmt(gg.params.gamma)}`
            : 'Gamma-Gamma: not fitted (no repeat buyers)',
        ].join('\n'),
      );
    });

  dataOptions(models.command('predict').description('write one row of predictions per customer to a CSV'))
    .requiredOption('--horizon <n>', 'forecast horizon in time units after the calibration end (expected purchases, CLV)')
    .requiredOption('--out <csv>', `output file; columns ${PREDICT_COLUMNS.join(',')}`)
    .option('--model <name>', `purchase model: auto (chosen by a time-based holdout) or one of ${PURCHASE_MODELS.join(', ')}`, 'auto')
    .option('--churn-window <days>', 'churn = P(no purchase in this many days)', '90')
    .action(async (opts: DataOpts & { horizon: string; out: string; model: string; churnWindow: string }) => {
      const horizon = parseHorizon(opts.horizon);
      const purchaseModels = parseModelChoice(opts.model);
      const churnWindowDays = Number(opts.churnWindow);
      if (!Number.isFinite(churnWindowDays) || churnWindowDays <= 0) {
        throw new ForesightError('invalid_input', `--churn-window: "${opts.churnWindow}" is not a positive number of days; e.g. 90`, { field: '--churn-window' });
      }
      const loaded = await loadCalibration(opts);
      const { asOf, timeUnit } = loaded;
      // Only orders up to the calibration end: nothing later may shape a prediction.
      const orders = loaded.orders.filter((o) => o.orderedAt.getTime() < asOf.getTime() + MS_PER_DAY);
      requireRepeatBuyers(featuresAt(indexOrders(orders), asOf, timeUnit), asOf);
      // Fitted on every buyer (no sampling cap) so predict agrees with `models fit`.
      const { scores, report } = scoreCustomers({
        orders,
        asOf,
        timeUnit,
        horizon,
        options: { personas: false, recommendations: 0, fitSampleSize: Number.MAX_SAFE_INTEGER, purchaseModels, churnWindowDays },
      });
      for (const w of report.warnings) console.error(`warning: ${w}`);
      await writePredictions(opts.out, customerScores(scores));
      // Customers who first bought after the calibration end did not exist then: said, not silently left out.
      const later = new Set(loaded.orders.map((o) => o.customerId)).size - new Set(orders.map((o) => o.customerId)).size;
      if (later > 0) console.error(`note: ${later} customers first ordered after the calibration end (${day(asOf)}) and have no row; choose a later --calibration-end to score them`);
      console.log(`wrote ${scores.n} customers to ${opts.out} (calibration end ${day(asOf)}, horizon ${horizon} ${timeUnit}s, model ${report.purchaseModel.name}: ${report.purchaseModel.selection.reason})`);
    });

  registerScoreCommand(models);
  registerEvaluateCommand(models);
}

function registerScoreCommand(models: Command): void {
  models
    .command('score')
    .description("score every customer in the database now (the server's nightly scoring job, on demand)")
    .option('--db <file>', DB_OPTION)
    .option('--as-of <date>', 'score as of this date instead of now (e.g. to backfill)')
    .option('--time-unit <unit>', 'unit of the purchase models: day or week', 'week')
    .option('--horizon <n>', 'forecast horizon in time units (expected purchases, CLV)', '52')
    .option('--review', 'compare the purchase models and run the out-of-time check now, even if the last review is recent (default: when due, weekly)')
    .option('--json', 'print the model report as JSON')
    .action(async (opts: { db?: string; asOf?: string; timeUnit: string; horizon: string; review?: boolean; json?: boolean }) => {
      const timeUnit = parseTimeUnit(opts.timeUnit, '--time-unit');
      const horizon = parseHorizon(opts.horizon);
      const clock = opts.asOf ? new VirtualClock(pastDate(opts.asOf)) : new SystemClock();
      const storage = await cliStorage({ db: opts.db });
      try {
        const report = await runScoringJob(storage, clock, { timeUnit, horizon, ...(opts.review ? { reviewModels: true } : {}) });
        // Said on stderr, --json or not: blank scores (too few repeat buyers) must not pass unnoticed.
        for (const w of report.models?.warnings ?? []) console.error(`warning: ${w}`);
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else console.log(`scored ${report.customers} customers as of ${report.scoredAt} (version ${report.version}); ${report.moved} next-purchase predictions moved, ${report.woken} waiting runs woken${report.skipped ? `; models skipped: ${report.skipped}` : ''}`);
      } finally {
        await storage.close();
      }
    });
}

function parseModelChoice(text: string): PurchaseModelName[] | undefined {
  if (text === 'auto') return undefined;
  if ((PURCHASE_MODELS as readonly string[]).includes(text)) return [text as PurchaseModelName];
  throw new ForesightError('invalid_input', `--model: "${text}" is not a purchase model; use auto or one of ${PURCHASE_MODELS.join(', ')}`, { field: '--model' });
}

function parseHorizon(text: string): number {
  const horizon = Number(text);
  if (!Number.isFinite(horizon) || horizon <= 0) {
    throw new ForesightError('invalid_input', `--horizon: "${text}" is not a positive number; give the horizon in time units, e.g. 39`, { field: '--horizon' });
  }
  return horizon;
}

function dataOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--orders <csv>', 'orders CSV: customer_id,order_id,ordered_at,amount[,quantity][,items]')
    .option('--calibration-end <date>', 'last day (YYYY-MM-DD) of the calibration period; later orders are ignored (default: the last order day)')
    .option('--time-unit <unit>', 'unit of x, t_x, T and the horizon: day or week', 'week');
}

/** Reads the orders, reports malformed rows on stderr (the rest are used) and settles the calibration end. */
/**
 * `--as-of` backfills, `--calibration-end` cuts a history: a date ahead of today would score a silence
 * nobody has seen yet (every customer lapsed).
 */
function pastDate(text: string, flag = '--as-of', fix = 'give a past date to backfill, or leave it out to score as of now'): Date {
  const asOf = requireIsoDate(text, flag);
  const today = new SystemClock().now();
  if (asOf.getTime() > today.getTime()) {
    throw new ForesightError('invalid_input', `${flag}: ${day(asOf)} is in the future (today is ${day(today)}); ${fix}`, { field: flag });
  }
  return asOf;
}

async function loadCalibration(opts: DataOpts): Promise<{ orders: Order[]; asOf: Date; timeUnit: TimeUnit }> {
  const timeUnit = parseTimeUnit(opts.timeUnit, '--time-unit');
  const explicitEnd = opts.calibrationEnd === undefined ? undefined : pastDate(opts.calibrationEnd, '--calibration-end', 'scores as of then would count the silence until then (every customer lapsed); give a past date, or leave it out for the last order day');
  const { orders, rejected } = await readOrdersCsv(opts.orders);
  for (const r of rejected) console.error(formatRowError({ file: opts.orders, ...r }));
  if (rejected.length > 0) {
    console.error(`${opts.orders}: skipped ${rejected.length} malformed row${rejected.length === 1 ? '' : 's'}; the models use the other ${orders.length} orders`);
  }
  if (orders.length === 0) throw new ForesightError('no_orders', `${opts.orders}: no usable orders; fix the rows reported above`, { field: '--orders' });
  return { orders, asOf: explicitEnd ?? lastOrderDay(orders), timeUnit };
}

function lastOrderDay(orders: readonly Order[]): Date {
  let last = -Infinity;
  for (const o of orders) last = Math.max(last, o.orderedAt.getTime());
  return new Date(last);
}

function fitSpendOrNull(x: Float64Array, m: Float64Array): GammaGammaFit | null {
  try {
    return fitGammaGamma({ x, m });
  } catch (err) {
    if (err instanceof ForesightError && err.code === 'no_repeat_buyers') return null;
    throw err;
  }
}

async function writePredictions(file: string, rows: Iterable<CustomerScore>): Promise<void> {
  const cells = function* () {
    for (const c of rows) {
      yield PREDICT_COLUMNS.map((column) => {
        const v = c[column];
        return v instanceof Date ? day(v) : v;
      });
    }
  };
  await pipeline(Readable.from(cells()), stringify({ header: true, columns: [...PREDICT_COLUMNS] }), createWriteStream(file));
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function fmt(v: number): string {
  return v.toPrecision(4);
}
