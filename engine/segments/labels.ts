import type { LifecycleStage } from '../models/lifecycle.ts';
import { RFM_SEGMENT_GRID } from '../models/rfm.ts';
import { SCORE_MODELS } from '../models/score-rows.ts';
import type { ValueTier } from '../models/value-tier.ts';

/**
 * The labels the models job stores, as the lists a segment may name. A label
 * outside them (say `at risk` for `at-risk`) would silently match nobody, so the
 * definition check rejects it and the builder offers these as drop-downs.
 */
export const LIFECYCLE_STAGES = ['prospect', 'new', 'repeat', 'at-risk', 'lapsed'] as const satisfies readonly LifecycleStage[];
export const VALUE_TIERS = ['high', 'mid', 'low'] as const satisfies readonly ValueTier[];
export const RFM_SEGMENTS: readonly string[] = [...new Set(RFM_SEGMENT_GRID.flat())];
/** Score names a `score` condition compares: whatever the models job writes. */
export const SCORE_NAMES: readonly string[] = SCORE_MODELS;

// Compile-time guard: a stage or tier added to the models must be added here too.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : never;
const _complete: [Missing<LifecycleStage, (typeof LIFECYCLE_STAGES)[number]>, Missing<ValueTier, (typeof VALUE_TIERS)[number]>] = [true, true];
void _complete;

export const SEGMENT_LABELS = { lifecycle: LIFECYCLE_STAGES, valueTier: VALUE_TIERS, rfm: RFM_SEGMENTS, score: SCORE_NAMES } as const;
export type LabelKind = keyof typeof SEGMENT_LABELS;

const NOUN: Record<LabelKind, string> = { lifecycle: 'a lifecycle stage', valueTier: 'a value tier', rfm: 'an RFM segment', score: 'a model score' };

/** The message for a label outside its list, or null when it is valid (labels match case-insensitively, as evaluation does). */
export function labelProblem(kind: LabelKind, label: string): string | null {
  const valid = SEGMENT_LABELS[kind];
  if (valid.some((v) => v.toLowerCase() === label.toLowerCase())) return null;
  return `"${label}" is not ${NOUN[kind]}; use one of ${valid.map((v) => `"${v}"`).join(', ')}`;
}
