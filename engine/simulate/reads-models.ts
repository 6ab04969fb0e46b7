import { parseDefinition, segmentNeeds } from '../segments/index.ts';
import type { SimulatedSegment } from './simulate.ts';

/** Built-in nodes that read the scoring job's output themselves (scores, predicted next purchase). */
const MODEL_NODES = new Set(['condition.propensity', 'wait.purchaseCycle']);
/** Email templates can show scores, model outputs and recommendations. */
const MODEL_TEMPLATE = /\b(scores|models)\.|\brecommendations\b/;

interface Node {
  type?: unknown;
  config?: { segment?: unknown; definition?: unknown; subject?: unknown; html?: unknown; text?: unknown };
}

/**
 * Whether a journey reads what the nightly scoring job stores: a node that
 * reads scores, a segment (saved or inline) over lifecycle, value tier, RFM
 * or a score, or an email that shows them. A replay of such a journey must
 * score customers as it goes, or nobody would ever match.
 */
export function readsModels(journey: unknown, segments: SimulatedSegment[]): boolean {
  const nodes = ((journey as { nodes?: Node[] } | null)?.nodes ?? []) as Node[];
  const saved = new Map(segments.map((s) => [s.name, s.definition]));
  const modelSegment = (def: unknown): boolean => {
    try {
      return segmentNeeds(parseDefinition(def), new Date(0)).models.size > 0;
    } catch {
      return false; // an invalid definition is reported where it is saved
    }
  };
  return nodes.some((n) => {
    if (MODEL_NODES.has(String(n.type))) return true;
    const c = n.config ?? {};
    if (typeof c.segment === 'string' && saved.has(c.segment.trim()) && modelSegment(saved.get(c.segment.trim()))) return true;
    if (c.definition !== undefined && modelSegment(c.definition)) return true;
    return [c.subject, c.html, c.text].some((t) => typeof t === 'string' && MODEL_TEMPLATE.test(t));
  });
}
