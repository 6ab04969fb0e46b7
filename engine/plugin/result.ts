import { MAX_DURATION_MS } from '../core/duration.ts';
import type { EffectOutcome } from './services.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * What is wrong with a value a node's `run` returned, or null when it is a
 * well-formed NodeResult. Plugin code is checked here, at the boundary, so a
 * bad result fails its own run instead of throwing deep inside the executor.
 * A wake time must be a valid date no further than the duration limit ahead.
 */
export function resultProblem(result: unknown, now: Date): string | null {
  const shape = 'return { next: port }, { wait: { until?, event?, timeoutPort? } } or { exit: reason }';
  if (!isRecord(result)) return `returned ${result === null ? 'null' : typeof result}; ${shape}`;
  const kinds = ['next', 'wait', 'exit'].filter((k) => k in result);
  if (kinds.length !== 1) return `returned ${kinds.length ? `both ${kinds.join(' and ')}` : 'none of next, wait, exit'}; ${shape}`;
  for (const k of ['patch', 'trace'] as const) {
    if (result[k] !== undefined && !isRecord(result[k])) return `returned a "${k}" that is not an object`;
  }
  if ('next' in result) return isName(result.next) ? null : `returned next: ${JSON.stringify(result.next) ?? 'undefined'}; name a port`;
  if ('exit' in result) return typeof result.exit === 'string' ? null : `returned exit: ${JSON.stringify(result.exit) ?? 'undefined'}; give a reason text`;
  const wait = result.wait;
  if (!isRecord(wait)) return `returned a wait that is not an object; ${shape}`;
  if (wait.until === undefined && wait.event === undefined) return 'returned a wait with neither "until" nor "event"';
  if (wait.until !== undefined) {
    const t = wait.until instanceof Date ? wait.until.getTime() : Number.NaN;
    if (Number.isNaN(t)) return `returned a wait until ${String(wait.until)}, which is not a valid date`;
    if (t > now.getTime() + MAX_DURATION_MS) return `returned a wait until ${(wait.until as Date).toISOString()}, more than 10 years ahead (the duration limit)`;
  }
  if (wait.event !== undefined && (!isRecord(wait.event) || !isName(wait.event.type) || !isName(wait.event.port))) {
    return 'returned a wait event without a "type" and a "port"';
  }
  if (wait.timeoutPort !== undefined && !isName(wait.timeoutPort)) return 'returned a wait with a "timeoutPort" that is not a port name';
  return null;
}

const OUTCOMES = ['sent', 'skipped', 'failed', 'retry', 'blocked', 'deferred'];

/**
 * Checks what an effect handler answered; throws (so the delivery is retried with the
 * reason) when it is not an EffectOutcome, instead of failing the whole delivery batch.
 */
export function checkedOutcome(outcome: unknown, kind: string): EffectOutcome {
  const status = isRecord(outcome) ? outcome.status : undefined;
  if (typeof status !== 'string' || !OUTCOMES.includes(status)) {
    const got = isRecord(outcome) ? `status ${JSON.stringify(status) ?? 'undefined'}` : String(outcome);
    throw new Error(`effect "${kind}" answered ${got}; return { status: 'sent' | 'retry' | 'failed' | 'skipped' | 'blocked' | 'deferred' }`);
  }
  if (status === 'deferred' && !(isRecord(outcome) && outcome.until instanceof Date && !Number.isNaN(outcome.until.getTime()))) {
    throw new Error(`effect "${kind}" answered status "deferred" without a valid "until" date; say when to try again`);
  }
  return outcome as EffectOutcome;
}
