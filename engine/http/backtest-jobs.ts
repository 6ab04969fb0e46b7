import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { ForesightError, errorMessage } from '../core/errors.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { Storage } from '../storage/types.ts';
import { backtestInput } from './backtest.ts';
import type { BacktestJobData, BacktestMessage } from './backtest-thread.ts';

export type BacktestStatus = 'loading' | 'running' | 'done' | 'failed' | 'cancelled';

/** A backtest as the API shows it. */
export interface BacktestJobView {
  id: string;
  journeyId: string;
  status: BacktestStatus;
  /** Replayed rows done out of the rows in the period (0 of 0 while stored data is read). */
  progress: { done: number; total: number };
  result: unknown;
  error: { code: string; message: string; field?: string } | null;
}

interface Job extends BacktestJobView {
  worker: Worker | null;
  cancelFlag: Int32Array;
}

const WORKER = new URL('./backtest-worker.js', import.meta.url);
// A cancelled replay stops at its next row group; a worker that does not is ended after this long.
const CANCEL_GRACE_MS = 5000;

/**
 * Backtests run in worker threads, so a long replay never blocks the API
 * (health checks, tracking) on the request thread. Each is a job: started,
 * polled for progress and its result, cancelled. Jobs live in memory: a
 * restart forgets them, and the builder starts a new one.
 */
export class BacktestJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly storage: Storage,
    private readonly registry: NodeRegistry,
    private readonly opts: { maxRunning: number; keepFinished: number } = { maxRunning: 2, keepFinished: 20 },
  ) {}

  start(journeyId: string, journey: unknown, from: Date, to: Date): BacktestJobView {
    const running = [...this.jobs.values()].filter((j) => j.status === 'loading' || j.status === 'running').length;
    if (running >= this.opts.maxRunning) {
      throw new ForesightError('rate_limited', `${running} backtests are running; wait for one to finish or cancel it (DELETE /api/backtests/<id>)`, { field: 'backtest' });
    }
    const job: Job = { id: randomUUID(), journeyId, status: 'loading', progress: { done: 0, total: 0 }, result: null, error: null, worker: null, cancelFlag: new Int32Array(new SharedArrayBuffer(4)) };
    this.jobs.set(job.id, job);
    this.prune();
    void this.run(job, journey, from, to);
    return view(job);
  }

  get(id: string): BacktestJobView {
    return view(this.require(id));
  }

  /** Stops a job that has not finished; a finished one is left as it is. */
  cancel(id: string): BacktestJobView {
    const job = this.require(id);
    if (job.status === 'loading' || job.status === 'running') {
      job.status = 'cancelled';
      Atomics.store(job.cancelFlag, 0, 1);
      const worker = job.worker;
      if (worker) setTimeout(() => void worker.terminate(), CANCEL_GRACE_MS).unref();
    }
    return view(job);
  }

  /** Ends every worker (server shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.worker?.terminate()));
  }

  private async run(job: Job, journey: unknown, from: Date, to: Date): Promise<void> {
    let input;
    try {
      input = await backtestInput(this.storage);
    } catch (err) {
      return this.fail(job, { code: 'internal', message: `reading stored data failed: ${errorMessage(err)}` });
    }
    if (job.status === 'cancelled') return;
    const data: BacktestJobData = { ...input, journey, from, to, plugins: this.registry.sources, cancel: job.cancelFlag };
    const worker = new Worker(WORKER, { workerData: data });
    // A backtest never keeps the process alive on shutdown.
    worker.unref();
    job.worker = worker;
    job.status = 'running';
    worker.on('message', (m: BacktestMessage) => {
      // A cancelled job stays cancelled, whatever the worker still had in flight.
      if (job.status !== 'running') return;
      if (m.type === 'progress') job.progress = { done: m.done, total: m.total };
      else if (m.type === 'done') {
        job.status = 'done';
        job.progress = { done: job.progress.total, total: job.progress.total };
        job.result = m.result;
      } else if (m.type === 'failed') this.fail(job, { code: m.code ?? 'backtest_failed', message: m.error, ...(m.field ? { field: m.field } : {}) });
    });
    worker.on('error', (err) => this.fail(job, { code: 'internal', message: `backtest worker failed: ${err.message}` }));
    worker.on('exit', () => {
      job.worker = null;
      if (job.status === 'running') this.fail(job, { code: 'internal', message: 'backtest worker stopped without a result' });
    });
  }

  private fail(job: Job, error: BacktestJobView['error']): void {
    if (job.status === 'cancelled' || job.status === 'done') return;
    job.status = 'failed';
    job.error = error;
  }

  private require(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new ForesightError('not_found', `backtest "${id}" does not exist (jobs are kept in memory until the server restarts)`, { field: 'id' });
    return job;
  }

  /** Forgets the oldest finished jobs beyond `keepFinished` (the map keeps insertion order). */
  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.status !== 'loading' && j.status !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - this.opts.keepFinished))) this.jobs.delete(j.id);
  }
}

const view = (j: Job): BacktestJobView => ({ id: j.id, journeyId: j.journeyId, status: j.status, progress: { ...j.progress }, result: j.result, error: j.error });
