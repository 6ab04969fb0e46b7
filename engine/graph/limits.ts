import type { Problem } from './types.ts';

/**
 * The size limit of a journey document, checked before anything else reads it
 * (and before a draft is saved). Far above any real lifecycle journey; it keeps
 * validation and execution bounded: a path without a wait is shorter than the
 * executor's 1,000-steps-per-instant guard, so a valid journey never trips it.
 */
export const MAX_JOURNEY_NODES = 500;
export const MAX_JOURNEY_EDGES = 1000;

/** Problems with the document's size; empty when it is within the limit. */
export function sizeProblems(doc: unknown): Problem[] {
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as { nodes?: unknown; edges?: unknown };
  const problems: Problem[] = [];
  for (const [field, max] of [['nodes', MAX_JOURNEY_NODES], ['edges', MAX_JOURNEY_EDGES]] as const) {
    const list = d[field];
    if (Array.isArray(list) && list.length > max) {
      problems.push({ field, message: `${field}: the journey has ${list.length} ${field}, more than the limit of ${max}; split it into several journeys` });
    }
  }
  return problems;
}
