import type { Clock } from '../core/clock.ts';
import { ForesightError } from '../core/errors.ts';
import type { ScoreRecord, Storage } from '../storage/types.ts';
import { type EvaluationReport, evaluateModels } from './evaluate.ts';
import { customerScore, type CustomerScores, type ScoreOptions, type ScoreReport, scoreCustomers } from './score.ts';
import { prospectRow, type RowContext, scoreRows } from './score-rows.ts';
import { type EmailEventTypes, storedEmailEvents, storedOrders, storedScoreValues } from './stored-data.ts';
import { daysPerUnit, MS_PER_DAY } from './time.ts';
import type { PurchaseModelName } from './purchase-model.ts';
import type { Order, TimeUnit } from './types.ts';
import { wakeMovedPurchaseCycles } from './wake.ts';

/**
 * The scoring job: reads customers, orders and email activity from storage, runs the score
 * pipeline as of the clock's now, stores every customer's scores and a model report, then
 * wakes waiting purchase-cycle steps whose customer's predicted next purchase moved.
 * Run nightly (registerModelJobs) and on demand.
 */

/** Bumped when the pipeline's meaning changes; stamped on every stored score. */
export const MODELS_VERSION = 'm1';
export const DEFAULT_MODELS_CRON = '0 3 * * *';

export interface ScoringJobOptions {
  /** Unit of the purchase models (default week). */
  timeUnit?: TimeUnit;
  /** Forecast horizon in time units for expected purchases and CLV (default 52 weeks). */
  horizon?: number;
  score?: ScoreOptions;
  emailEvents?: EmailEventTypes;
  /** Rows per storage read and customers per score write (default 5,000). */
  pageSize?: number;
  /** A next-purchase prediction counts as moved when it shifts by at least this much (default 1 day). */
  moveToleranceDays?: number;
  /** Days of the most recent history held out for the out-of-time check (default 90; 0 skips it). */
  evaluationDays?: number;
  /** The purchase-model choice and the out-of-time check are redone at most this often (default 7 days, engine clock); in between they are carried forward. */
  reviewEveryDays?: number;
  /**
   * true: compare the purchase models and run the out-of-time check now; false: never in this
   * run (keep the last choice, BG/NBD before any — start-up scoring uses this so it stays
   * fast). Default: when due, i.e. none made yet or the last older than `reviewEveryDays`.
   */
  reviewModels?: boolean;
}

export interface ModelReport {
  /** The model version stamped on this run's scores. */
  version: string;
  scoredAt: string;
  /** Customers given scores (including the lifecycle-only rows of customers with no activity). */
  customers: number;
  /** Customers whose predicted next purchase changed (or is new). */
  moved: number;
  /** Waiting purchase-cycle runs woken to re-plan. */
  woken: number;
  /** The fitted models: parameters, holdout AUC, Brier score and calibration; null when nothing could be fitted. */
  models: ScoreReport | null;
  /**
   * The out-of-time check on the shop's own history: the models refitted on orders up to
   * `evaluationDays` ago, their scores compared with what customers did since (see evaluate.ts);
   * a reason when there is too little history.
   */
  evaluation: EvaluationReport | { reason: string } | null;
  /** Why the models were not fitted (e.g. no orders yet). */
  skipped?: string;
}

const running = new WeakMap<Storage, Promise<ModelReport>>();

/**
 * Scores every customer as of `clock.now()`. A call while a run is in progress on the same
 * storage joins that run rather than starting a second one.
 * @example const report = await runScoringJob(storage, clock); report.models?.bgnbd.params
 */
export function runScoringJob(storage: Storage, clock: Clock, opts: ScoringJobOptions = {}): Promise<ModelReport> {
  const current = running.get(storage);
  if (current) return current;
  const job = scoreAndStore(storage, clock, opts).finally(() => running.delete(storage));
  running.set(storage, job);
  return job;
}

/**
 * The report of the last scoring run, or null before the first.
 * @example (await latestModelReport(storage))?.models?.propensity
 */
export async function latestModelReport(storage: Storage): Promise<ModelReport | null> {
  const record = await storage.models.latestReport();
  return record ? (record.report as ModelReport) : null;
}

/** What registerModelJobs needs of a scheduler (engine/scheduler/scheduler.ts fits). */
export interface JobScheduler {
  schedule(name: string, cronExpr: string, fn: () => unknown | Promise<unknown>): void;
}

/**
 * Registers the scoring job on the scheduler (default nightly at 03:00).
 * @example registerModelJobs(scheduler, { storage, clock, cron: config.modelsCron })
 */
export function registerModelJobs(
  scheduler: JobScheduler,
  deps: { storage: Storage; clock: Clock; cron?: string; options?: ScoringJobOptions; onReport?: (report: ModelReport) => void },
): void {
  scheduler.schedule('models.score', deps.cron ?? DEFAULT_MODELS_CRON, async () => {
    const report = await runScoringJob(deps.storage, deps.clock, deps.options);
    deps.onReport?.(report);
  });
}

async function scoreAndStore(storage: Storage, clock: Clock, opts: ScoringJobOptions): Promise<ModelReport> {
  const now = clock.now();
  const at = now.getTime();
  const timeUnit = opts.timeUnit ?? 'week';
  const horizon = opts.horizon ?? 52;
  const pageSize = opts.pageSize ?? 5000;
  const tolerance = (opts.moveToleranceDays ?? 1) * MS_PER_DAY;
  if (!(Number.isInteger(pageSize) && pageSize > 0)) {
    throw new ForesightError('invalid_input', `pageSize = ${pageSize}: must be a positive whole number, e.g. 5000`, { field: 'pageSize' });
  }
  const version = `${MODELS_VERSION}-${now.toISOString()}`;
  const ctx: RowContext = {
    modelVersion: version,
    scoredAt: at,
    horizon,
    timeUnit,
    propensityWindowDays: opts.score?.propensityWindowDays ?? horizon * daysPerUnit(timeUnit),
    churnWindowDays: opts.score?.churnWindowDays ?? 90,
    scoredDay: Math.floor(at / MS_PER_DAY) * MS_PER_DAY,
  };

  const orders = await storedOrders(storage, at, pageSize);
  const events = await storedEmailEvents(storage, at, pageSize, opts.emailEvents ?? {});
  const previous = (await storage.models.latestReport())?.report as ModelReport | undefined;
  const reviewMs = (opts.reviewEveryDays ?? 7) * MS_PER_DAY;
  const recent = (iso: string | null | undefined): boolean => iso != null && at - Date.parse(iso) < reviewMs && Date.parse(iso) <= at;
  const chosen = previous?.models?.purchaseModel?.selection;
  const review = opts.reviewModels ?? !recent(chosen?.decidedAt);
  // Between reviews the last choice is refitted (BG/NBD before the first one).
  const score: ScoreOptions = review ? { ...opts.score } : { ...opts.score, keptSelection: chosen?.decidedAt ? chosen : undefined, selection: { ...opts.score?.selection, compare: false } };
  // The fits are synchronous: let the server answer waiting requests between the long steps.
  await breather();
  const result = orders.length > 0 ? scoreCustomers({ orders, events, asOf: now, timeUnit, horizon, options: score }) : null;
  await breather();

  const writer = new ScoreWriter(storage, pageSize * 4);
  const { scored, moved } = result
    ? await writeScores(writer, result.scores, ctx, await storedScoreValues(storage, 'next_purchase', pageSize, storedNextPurchaseTime), tolerance)
    : { scored: new Set<number>(), moved: [] };
  const inactive = await writeInactive(writer, storage, scored, ctx, pageSize);
  await writer.flush();

  const woken = await wakeMovedPurchaseCycles(storage, moved, at);
  // The out-of-time check is redone with the model choice, or when its length was changed; in between it is carried forward.
  const last = previous?.evaluation;
  const matches = last != null && 'holdoutEnd' in last && last.holdoutDays === (opts.evaluationDays ?? 90);
  const check = opts.reviewModels ?? (review || !matches);
  if (result && check) await breather();
  const evaluation = result ? (check ? evaluateRecent(orders, now, timeUnit, opts, result.report.purchaseModel.name) : (last ?? null)) : null;
  const report: ModelReport = {
    version,
    scoredAt: now.toISOString(),
    customers: scored.size + inactive,
    moved: moved.length,
    woken,
    models: result ? result.report : null,
    evaluation,
    ...(result ? {} : { skipped: 'no orders yet: the purchase models need at least one' }),
  };
  await storage.models.saveReport({ version, report }, at);
  return report;
}

/**
 * Features before the cut, outcome after: the models are fitted as of now − evaluationDays and
 * checked on the days since. Needs at least twice that much history.
 */
function evaluateRecent(orders: readonly Order[], now: Date, timeUnit: TimeUnit, opts: ScoringJobOptions, model: PurchaseModelName): EvaluationReport | { reason: string } | null {
  const days = opts.evaluationDays ?? 90;
  if (days === 0) return null;
  const today = Math.floor(now.getTime() / MS_PER_DAY);
  let first = Infinity;
  for (const o of orders) first = Math.min(first, Math.floor(o.orderedAt.getTime() / MS_PER_DAY));
  if (today - first < 2 * days) return { reason: `out-of-time check skipped: ${today - first} days of order history; it needs ${2 * days} (${days} to fit, ${days} to check)` };
  try {
    const calibrationEnd = new Date((today - days) * MS_PER_DAY);
    // The model the job chose tonight is the one checked (choosing again would double the cost).
    return evaluateModels({ orders, calibrationEnd, holdoutEnd: new Date(today * MS_PER_DAY), timeUnit, options: { ...opts.score, purchaseModels: [model] }, resamples: 100 });
  } catch (err) {
    if (err instanceof ForesightError) return { reason: `out-of-time check skipped: ${err.message}` };
    throw err;
  }
}

/** One turn of the event loop. */
function breather(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Buffers score rows and writes them in large upserts. */
class ScoreWriter {
  private rows: ScoreRecord[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly batchRows: number,
  ) {}

  async add(rows: readonly ScoreRecord[]): Promise<void> {
    for (const r of rows) this.rows.push(r);
    if (this.rows.length >= this.batchRows) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    await this.storage.scores.put(this.rows);
    this.rows = [];
  }
}

/** Stores every scored customer's rows; notes whose next-purchase prediction moved against `previous`. */
async function writeScores(
  writer: ScoreWriter,
  scores: CustomerScores,
  ctx: RowContext,
  previous: ReadonlyMap<number, number | null>,
  toleranceMs: number,
): Promise<{ scored: Set<number>; moved: number[] }> {
  const scored = new Set<number>();
  const moved: number[] = [];
  for (let i = 0; i < scores.n; i++) {
    const c = customerScore(scores, i);
    const id = Number(c.customer_id);
    scored.add(id);
    await writer.add(scoreRows(id, c, ctx));
    if (c.x === null) continue;
    // Moved: new, shifted by the tolerance, or now (no longer) beyond the horizon. Compared on the time a
    // wait acts on: the date, or beyond the churn window (no date) the distribution's median.
    const median = c.next_purchase_deciles[4];
    const next = c.next_purchase_at?.getTime() ?? (median == null ? null : ctx.scoredDay + median * MS_PER_DAY);
    const before = previous.get(id);
    if (before === undefined || (next === null) !== (before === null) || (next !== null && before !== null && Math.abs(next - before) >= toleranceMs)) moved.push(id);
  }
  return { scored, moved };
}

/** Customers with no orders and no email activity get their lifecycle stage (prospect) only. Returns how many. */
async function writeInactive(writer: ScoreWriter, storage: Storage, scored: ReadonlySet<number>, ctx: RowContext, pageSize: number): Promise<number> {
  let inactive = 0;
  for (let afterId = 0; ; ) {
    const ids = await storage.models.customerIds({ afterId, limit: pageSize });
    for (const id of ids) {
      if (scored.has(id)) continue;
      await writer.add([prospectRow(id, ctx)]);
      inactive++;
    }
    if (ids.length < pageSize) return inactive;
    afterId = ids[ids.length - 1]!;
  }
}

/** The stored next-purchase time a wait acts on: the date, else the median among the deciles (beyond the churn window). */
function storedNextPurchaseTime(s: ScoreRecord): number | null {
  if (s.value !== null) return s.value;
  const median = Array.isArray(s.data.deciles) ? s.data.deciles[4] : null;
  const at = typeof median === 'string' ? Date.parse(median) : NaN;
  return Number.isNaN(at) ? null : at;
}
