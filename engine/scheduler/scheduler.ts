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
   * node-cron's own notices about a job (a firing missed because the process was busy, one
   * skipped because the previous run was still going). Not failures: the job runs at its next
   * firing. Default: dropped (node-cron would print them to the console as red warnings).
   */
  onNotice?: (message: string, job: string) => void;
  /**
   * Read the jobs' cron schedules on this clock instead of the wall clock: the
   * demo's shop time runs thousands of times faster, and its nightly scoring or
   * 15-minute segment refresh must keep to shop time. Checked every `pollMs`.
   */
  jobClock?: Clock;
  /**
   * With several workers on one database: claims one firing of a recurring job (its
   * scheduled time, epoch ms) for this process; false means another worker has it.
   */
  claimJob?: (name: string, slot: number) => Promise<boolean>;
  /**
   * The earliest wake time of a waiting run after `now` (epoch ms on `clock`): an idle
   * event-and-timer loop sleeps until then when that is sooner than `pollMs`, so timers
   * fire on time instead of up to a whole poll late.
   */
  nextWakeAfter?: (now: number) => Promise<number | null>;
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
 * Drives the engine in a long-running process, in two independent loops: one
 * for events and due runs, one for deliveries. A mail server or webhook that
 * stalls then holds up only deliveries, never enrolment or timers. Each loop
 * works back to back while there is work and sleeps only when a pass found
 * none, so a backlog drains at full speed and an idle server costs one cheap
 * poll per interval and loop.
 */
export class Scheduler {
  private readonly engine: Engine;
  readonly clock: Clock;
  private readonly pollMs: number;
  private readonly onError: (err: unknown, where: string) => void;
  private readonly onNotice: (message: string, job: string) => void;
  private readonly claimJob: SchedulerOptions['claimJob'];
  private readonly nextWakeAfter: SchedulerOptions['nextWakeAfter'];
  private readonly jobs = new Map<string, ScheduledTask>();
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private readonly jobClock: Clock | undefined;
  private readonly clockJobs = new Map<string, ClockJob>();
  private jobTimer: NodeJS.Timeout | null = null;

  constructor(opts: SchedulerOptions) {
    this.engine = opts.engine;
    this.clock = opts.clock;
    this.pollMs = opts.pollMs ?? 200;
    this.onError = opts.onError ?? ((err, where) => console.error(`scheduler: ${where}: ${errorMessage(err)}`));
    this.onNotice = opts.onNotice ?? (() => {});
    this.claimJob = opts.claimJob;
    this.nextWakeAfter = opts.nextWakeAfter;
    this.jobClock = opts.jobClock;
  }

  /** Ends the idle pause now: new work arrived (e.g. a database notification from another process). */
  wake(): void {
    for (const slot of [...this.sleeping]) {
      clearTimeout(slot.timer);
      slot.wake();
    }
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.engine.stopping = false;
    const e = this.engine;
    this.loops = [
      this.run('tick', async () => (await e.processEvents()) + (await e.processDue()), () => this.untilNextWake()),
      this.run('delivery', () => e.dispatchOutbox(), async () => this.pollMs),
    ];
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

  /** How long the idle tick loop may sleep: until the next timer, at most `pollMs` (events arrive unannounced). */
  private async untilNextWake(): Promise<number> {
    if (!this.nextWakeAfter) return this.pollMs;
    const now = this.clock.now().getTime();
    const next = await this.nextWakeAfter(now);
    return next === null ? this.pollMs : Math.min(this.pollMs, next - now);
  }

  private async run(where: string, pass: () => Promise<number>, idleMs: () => Promise<number>): Promise<void> {
    while (this.running) {
      let work = 0;
      try {
        work = await pass();
        if (work === 0 && this.running) await this.sleep(await idleMs());
      } catch (err) {
        // A failed batch is retried after its lease expires; back off instead of hot-looping.
        this.onError(err, where);
        if (this.running) await this.sleep(this.pollMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const slot = {
        timer: setTimeout(() => slot.wake(), ms),
        wake: () => {
          this.sleeping.delete(slot);
          resolve();
        },
      };
      this.sleeping.add(slot);
    });
  }

  /** Registers a recurring job (standard cron syntax, optional seconds field). Starts with the scheduler. */
  schedule(name: string, cronExpr: string, fn: () => unknown | Promise<unknown>): void {
    if (this.jobs.has(name)) throw new ForesightError('duplicate_job', `scheduler: job "${name}" is registered twice`);
    if (!cron.validate(cronExpr)) throw new ForesightError('invalid_cron', `scheduler: job "${name}": "${cronExpr}" is not a cron expression; use e.g. "0 3 * * *"`, { field: name });
    const task = cron.createTask(
      cronExpr,
      async (context) => {
        try {
          // The scheduled second, the same on every worker whatever its timer's jitter.
          if (this.claimJob && !(await this.claimJob(name, Math.floor(context.date.getTime() / 1000) * 1000))) return;
          await fn();
        } catch (err) {
          this.onError(err, `job ${name}`);
        }
      },
      {
        name,
        noOverlap: true,
        logger: {
          info: () => {},
          debug: () => {},
          warn: (message) => this.onNotice(message, name),
          error: (message, err) => this.onError(err ?? message, `job ${name}`),
        },
      },
    );
    this.jobs.set(name, task);
    if (this.jobClock) {
      const checkedUntil = Math.floor(this.jobClock.now().getTime() / MINUTE) * MINUTE;
      this.clockJobs.set(name, { task, checkedUntil, busy: false, run: () => task.execute().then(() => undefined) });
    } else if (this.running) void task.start();
  }

  /** Stops both loops after the customers in flight (their units commit; the rest of a batch is left to its lease) and stops the jobs. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.engine.stopping = true;
    this.wake();
    if (this.jobTimer) clearInterval(this.jobTimer);
    this.jobTimer = null;
    for (const job of this.jobs.values()) await job.stop();
    await Promise.all(this.loops);
    this.loops = [];
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
