import type { CompiledJourney } from '../graph/compile.ts';

/**
 * The journey's re-entry rule: may a customer whose last entry was at `last` (undefined: never
 * entered) enter again at `at`? An open run in the journey keeps them out whatever the rule.
 * @example reentryAllows({ settings: { reentry: 'once' }, reentryAfterMs: null }, 5, 10) // false
 */
export function reentryAllows(j: { settings: Pick<CompiledJourney['settings'], 'reentry'>; reentryAfterMs: number | null }, last: number | undefined, at: number): boolean {
  return last === undefined || (j.settings.reentry !== 'once' && (j.reentryAfterMs === null || at - last >= j.reentryAfterMs));
}
