import { z } from 'zod';
import { ForesightError } from './errors.ts';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$/;

/**
 * The longest duration a journey document may hold: 10 years (3650 days).
 * Longer ones are typos ("20000000w"), and their dates fall outside what a
 * JavaScript Date can hold, so they are refused when the journey is validated.
 */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d!;
const MAX_DURATION_TEXT = '3650d (10 years)';

/** What is wrong with `text` as a duration, or null when it is a good one. */
export function durationProblem(text: unknown): string | null {
  const m = typeof text === 'string' ? DURATION_RE.exec(text) : null;
  if (!m) return `${typeof text === 'string' ? `"${text}" is not a duration; ` : ''}write a duration as a number and a unit, e.g. 30m, 4h, 3d or 2w`;
  if (Number(m[1]) * UNIT_MS[m[2]!]! > MAX_DURATION_MS) return `"${String(text)}" is longer than the limit of ${MAX_DURATION_TEXT}; shorten it`;
  return null;
}

/** True if `text` is a duration like `30m`, `4h`, `3d`, `2w`, at most 10 years long. */
export function isDuration(text: unknown): text is string {
  return durationProblem(text) === null;
}

/** Zod schema for a duration field: the message says whether the format or the length is wrong. */
export const durationSchema = z.string().superRefine((v, ctx) => {
  const problem = durationProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Parses the journey-document duration format: a number and one unit
 * (s, m, h, d, w). Deliberately small: marketers write "3d", not ISO 8601.
 */
export function parseDuration(text: string, field = 'duration'): number {
  const problem = durationProblem(text);
  if (problem) throw new ForesightError('invalid_duration', `${field}: ${problem}`, { field });
  const m = DURATION_RE.exec(text)!;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Renders milliseconds for messages, in whole seconds: `1d 2h`, `40m`, `0s`. */
export function formatDuration(ms: number): string {
  let rest = Math.round(Math.abs(ms) / 1000);
  const parts: string[] = [];
  for (const [unit, seconds] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / seconds);
    if (n) parts.push(`${n}${unit}`);
    rest -= n * seconds;
  }
  return (ms < 0 ? '-' : '') + (parts.join(' ') || '0s');
}
