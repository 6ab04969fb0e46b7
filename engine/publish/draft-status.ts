import type { JourneyService } from '../journeys.ts';
import type { JourneyRecord, Storage } from '../storage/types.ts';

/** The parts of a journey that change what it does: positions on the canvas and the version number do not. */
function behaviour(graph: unknown): string {
  const g = (graph ?? {}) as { name?: unknown; settings?: unknown; nodes?: { position?: unknown }[]; edges?: unknown[] };
  const nodes = (g.nodes ?? []).map(({ position: _position, ...n }) => n);
  return canonical({ name: g.name, settings: g.settings ?? {}, nodes, edges: g.edges ?? [] });
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Whether a live journey's draft would publish as something else than what runs: both are read
 * through the validator (which fills in defaults) so that only real edits count.
 */
export async function draftDiffers(deps: { storage: Storage; journeys: JourneyService }, j: JourneyRecord): Promise<boolean> {
  if (j.liveVersion === null) return false;
  const live = await deps.storage.journeys.version(j.id, j.liveVersion);
  const draft = await deps.journeys.validate(j.draft);
  if (!draft.graph || !live) return true;
  const { version: _v, ...liveGraph } = live.graph as Record<string, unknown>;
  const { version: _d, ...draftGraph } = draft.graph as unknown as Record<string, unknown>;
  return behaviour(draftGraph) !== behaviour(liveGraph);
}
