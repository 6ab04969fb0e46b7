import { ForesightError } from '../core/errors.ts';

/** How long a node's `run` may take unless its definition says otherwise. */
export const DEFAULT_NODE_TIMEOUT_MS = 10_000;
/** How long an effect handler (one delivery) may take unless the engine is told otherwise. */
export const DEFAULT_EFFECT_TIMEOUT_MS = 30_000;

/** A call waiting on its deadline: `fail` rejects it, unless it settled first. */
interface Pending {
  at: number;
  fail: () => void;
  settled: boolean;
}

/**
 * Deadlines of one length, for calls in flight: they come due in the order the calls started,
 * so one timer for the earliest serves them all, and the queue is as short as the calls in
 * flight (calls settle in about the order they started). A timer per call cost more than most
 * node steps themselves. The timer keeps the process alive only while a call is in flight.
 */
class DeadlineQueue {
  private items: Pending[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {}

  add(fail: () => void): Pending {
    const p: Pending = { at: performance.now() + this.ms, fail, settled: false };
    this.items.push(p);
    // An armed timer is due no later than this deadline (it was set for an earlier call's).
    if (this.timer) this.timer.ref();
    else this.arm();
    return p;
  }

  settle(p: Pending): void {
    p.settled = true;
    while (this.head < this.items.length && this.items[this.head]!.settled) this.head++;
    if (this.head < this.items.length) return;
    this.items.length = 0;
    this.head = 0;
    this.timer?.unref();
  }

  private arm(): void {
    this.timer = setTimeout(() => this.fire(), Math.max(0, this.items[this.head]!.at - performance.now()));
  }

  private fire(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.items.length) {
      const p = this.items[this.head]!;
      if (!p.settled && p.at > now) break;
      this.head++;
      if (!p.settled) {
        p.settled = true;
        p.fail();
      }
    }
    this.items = this.items.slice(this.head);
    this.head = 0;
    if (this.items.length) this.arm();
  }
}

const queues = new Map<number, DeadlineQueue>();
const queueFor = (ms: number): DeadlineQueue => {
  let q = queues.get(ms);
  if (!q) queues.set(ms, (q = new DeadlineQueue(ms)));
  return q;
};

/**
 * Settles with `work`'s outcome, or rejects with a `deadline_exceeded` error
 * naming `what` once `ms` pass. Plugin code that never settles must not hold
 * the engine: the abandoned promise is left to settle into nothing. Deadlines
 * are real elapsed time (a hung socket hangs in real time), not the engine clock.
 */
export function withDeadline<T>(work: () => T | Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let value: T | Promise<T>;
  try {
    value = work();
  } catch (err) {
    return Promise.reject(err);
  }
  // Most node code answers at once: no deadline to keep for it.
  if (!isThenable(value)) return Promise.resolve(value);
  const work$ = value;
  return new Promise<T>((resolve, reject) => {
    const deadlines = queueFor(ms);
    const pending = deadlines.add(() => reject(new ForesightError('deadline_exceeded', `${typeof what === 'string' ? what : what()} did not finish within ${ms} ms`)));
    work$.then(
      (v) => {
        deadlines.settle(pending);
        resolve(v);
      },
      (err: unknown) => {
        deadlines.settle(pending);
        reject(err);
      },
    );
  });
}

const isThenable = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === 'function';
