import { ForesightError } from './errors.ts';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$/;

/** True if `text` is a duration like `30m`, `4h`, `3d`, `2w`. */
export function isDuration(text: unknown): text is string {
  return typeof text === 'string' && DURATION_RE.test(text);
}

/**
 * Parses the journey-document duration format: a number and one unit
 * (s, m, h, d, w). Deliberately small: marketers write "3d", not ISO 8601.
 */
export function parseDuration(text: string, field = 'duration'): number {
  const m = DURATION_RE.exec(text);
  if (!m) {
    throw new ForesightError('invalid_duration', `${field}: "${text}" is not a duration; write a number and a unit, e.g. 30m, 4h, 3d or 2w`, { field });
  }
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
