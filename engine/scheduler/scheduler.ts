import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../core/clock.ts';
import { errorMessage, ForesightError } from '../core/errors.ts';
import type { Engine } from '../executor/engine.ts';

export interface SchedulerOptions {
  engine: Engine;
  clock: Clock;
  /** Pause between ticks when a tick found nothing to do. */
  pollMs?: number;
  /** Where tick and job failures go; the loop keeps running after them. */
  onError?: (err: unknown, where: string) => void;
  /**
   * Read the jobs' cron schedules on this clock instead of the wall clock: the
   * demo's shop time runs thousands of times faster, and its nightly scoring or
   * 15-minute segment refresh must keep to shop time. Checked every `pollMs`.
   */
  jobClock?: Clock;
}

/** Minutes of clock time checked for due jobs in one poll at most: enough for any daily schedule. */
const MAX_MINUTES_PER_POLL = 2 * 1440;
const MINUTE = 60_000;

interface ClockJob {
  task: ScheduledTask;
  run: () => Promise<void>;
  /** Minutes up to this one (epoch ms) have been checked. */
  checkedUntil: number;
  busy: boolean;
}

/**
 * Drives the engine in a long-running process: ticks back to back while
 * there is work and sleeps only when a tick found none, so a backlog drains
 * at full speed and an idle server costs one cheap poll per interval.
 */
export class Scheduler {
  private readonly engine: Engine;
  readonly clock: Clock;
  private readonly pollMs: number;
  private readonly onError: (err: unknown, where: string) => void;
  private readonly jobs = new Map<string, ScheduledTask>();
  private running = false;
  private loop: Promise<void> | null = null;
  private sleeping: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  private readonly jobClock: Clock | undefined;
  private readonly clockJobs = new Map<string, ClockJob>();
  private jobTimer: NodeJS.Timeout | null = null;

  constructor(opts: SchedulerOptions) {
    this.engine = opts.engine;
    this.clock = opts.clock;
    this.pollMs = opts.pollMs ?? 200;
    this.onError = opts.onError ?? ((err, where) => console.error(`scheduler: ${where}: ${errorMessage(err)}`));
    this.jobClock = opts.jobClock;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    if (this.jobClock) this.jobTimer = setInterval(() => void this.runDueJobs(), this.pollMs);
    else for (const job of this.jobs.values()) void job.start();
  }

  /**
   * With a `jobClock`: starts every job whose schedule matched a minute of that
   * clock since the last check (several missed minutes start a job once). The
   * scheduler calls it every `pollMs`; tests call it after moving the clock.
   */
  async runDueJobs(): Promise<void> {
    if (!this.jobClock) return;
    const now = Math.floor(this.jobClock.now().getTime() / MINUTE) * MINUTE;
    const runs: Promise<void>[] = [];
    for (const job of this.clockJobs.values()) {
      let due = false;
      for (let m = Math.max(job.checkedUntil + MINUTE, now - MAX_MINUTES_PER_POLL * MINUTE); m <= now && !due; m += MINUTE) due = job.task.match(new Date(m));
      job.checkedUntil = Math.max(job.checkedUntil, now);
      // One run at a time per job, as node-cron's noOverlap does on the wall clock.
      if (!due || job.busy) continue;
      job.busy = true;
      runs.push(job.run().finally(() => (job.busy = false)));
    }
    await Promise.all(runs);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let work = 0;
      try {
        work = await this.engine.tick();
      } catch (err) {
        // A failed batch is retried after its lease expires; back off instead of hot-looping.
        this.onError(err, 'tick');
      }
      if (work === 0 && this.running) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.sleeping = null;
        resolve();
      };
      this.sleeping = { timer: setTimeout(wake, this.pollMs), wake };
    });
  }

  /** Registers a recurring job (standard cron syntax, optional seconds field). Starts with the scheduler. */
  schedule(name: string, cronExpr: string, fn: () => unknown | Promise<unknown>): void {
    if (this.jobs.has(name)) throw new ForesightError('duplicate_job', `scheduler: job "${name}" is registered twice`);
    if (!cron.validate(cronExpr)) throw new ForesightError('invalid_cron', `scheduler: job "${name}": "${cronExpr}" is not a cron expression; use e.g. "0 3 * * *"`, { field: name });
    const task = cron.createTask(
      cronExpr,
      async () => {
        try {
          await fn();
        } catch (err) {
          this.onError(err, `job ${name}`);
        }
      },
      { name, noOverlap: true },
    );
    this.jobs.set(name, task);
    if (this.jobClock) {
      const checkedUntil = Math.floor(this.jobClock.now().getTime() / MINUTE) * MINUTE;
      this.clockJobs.set(name, { task, checkedUntil, busy: false, run: () => task.execute().then(() => undefined) });
    } else if (this.running) void task.start();
  }

  /** Stops ticking after the current batch (which commits whole) and stops the jobs. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.wake();
    }
    if (this.jobTimer) clearInterval(this.jobTimer);
    this.jobTimer = null;
    for (const job of this.jobs.values()) await job.stop();
    await this.loop;
    this.loop = null;
  }

  /** Stops gracefully on SIGTERM/SIGINT, then calls `then` (e.g. close the server and storage). */
  stopOnSignals(then: () => Promise<void> | void): void {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      console.error(`${signal}: finishing the current batch and stopping`);
      void this.stop()
        .then(then)
        .then(
          () => process.exit(0),
          (err) => {
            console.error(`shutdown failed: ${errorMessage(err)}`);
            process.exit(1);
          },
        );
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
  }
}
