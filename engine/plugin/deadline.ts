import { ForesightError } from '../core/errors.ts';

/** How long a node's `run` may take unless its definition says otherwise. */
export const DEFAULT_NODE_TIMEOUT_MS = 10_000;
/** How long an effect handler (one delivery) may take unless the engine is told otherwise. */
export const DEFAULT_EFFECT_TIMEOUT_MS = 30_000;

/**
 * Settles with `work`'s outcome, or rejects with a `deadline_exceeded` error
 * naming `what` once `ms` pass. Plugin code that never settles must not hold
 * the engine: the abandoned promise is left to settle into nothing. Deadlines
 * are real elapsed time (a hung socket hangs in real time), not the engine clock.
 */
export async function withDeadline<T>(work: () => T | Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  const value = work();
  // Most node code answers at once: a timer and a race per step would cost more than the step.
  if (!isThenable(value)) return value;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ForesightError('deadline_exceeded', `${typeof what === 'string' ? what : what()} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([value, expired]);
  } finally {
    clearTimeout(timer);
  }
}

const isThenable = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === 'function';
