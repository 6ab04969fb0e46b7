import { readFileSync } from 'node:fs';
import type { Clock } from '../engine/core/clock.ts';
import { ForesightError } from '../engine/core/errors.ts';
import type { JourneyService } from '../engine/journeys.ts';
import type { JourneyRecord, Storage } from '../engine/storage/types.ts';

/** A ready-made lifecycle journey: what it is for, who it reaches, what to measure, and the journey itself (emails inside its action.email nodes). */
export interface LifecycleTemplate {
  id: string;
  name: string;
  description: string;
  audience: string;
  kpi: string;
  /** Saved segments the journey's triggers or conditions name; importing saves those missing. */
  segments: TemplateSegment[];
  journey: unknown;
}

export interface TemplateSegment {
  name: string;
  description: string;
  definition: unknown;
}

/** One folder per template, in the order the builder lists them (by lifecycle stage). */
export const TEMPLATE_IDS = [
  'welcome-series',
  'first-purchase',
  'replenishment',
  'cross-sell',
  'cart-abandonment',
  'churn-prevention',
  'win-back',
  'vip-appreciation',
  'nps-follow-up',
] as const;

function readJson(id: string, file: string): Record<string, unknown> {
  const url = new URL(`./${id}/${file}`, import.meta.url);
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ForesightError('template_unreadable', `template "${id}": ${file} cannot be read: ${(err as Error).message}`, { field: id });
  }
}

let cache: LifecycleTemplate[] | undefined;

function load(): LifecycleTemplate[] {
  cache ??= TEMPLATE_IDS.map((id) => {
    const d = readJson(id, 'description.json');
    return {
      id,
      name: String(d.name),
      description: String(d.description),
      audience: String(d.audience),
      kpi: String(d.kpi),
      segments: (d.segments ?? []) as TemplateSegment[],
      journey: readJson(id, 'journey.json'),
    };
  });
  return cache;
}

/** Every template; each call returns fresh copies, so callers may edit them (e.g. rename before importing). */
export function listTemplates(): LifecycleTemplate[] {
  return structuredClone(load());
}

export function getTemplate(id: string): LifecycleTemplate | undefined {
  const t = load().find((x) => x.id === id);
  return t ? structuredClone(t) : undefined;
}

/**
 * Imports a template as a draft journey (under `journeyId`, default the
 * template id), first saving the segments it needs unless a segment of that
 * name exists already (a shop's own definition wins).
 */
export async function importTemplate(deps: { storage: Storage; journeys: JourneyService; clock: Clock }, id: string, journeyId = id): Promise<JourneyRecord> {
  const t = getTemplate(id);
  if (!t) throw new ForesightError('not_found', `template "${id}" does not exist; use one of: ${TEMPLATE_IDS.join(', ')}`, { field: 'id' });
  for (const s of t.segments) {
    if (!(await deps.storage.segments.get(s.name))) await deps.storage.segments.save(s, deps.clock.now().getTime());
  }
  return deps.journeys.saveDraft({ ...(t.journey as Record<string, unknown>), id: journeyId });
}

// Templates show their coupon as "Your code: X" in the text body.
const COUPON_LINE = /Your code: ([A-Z0-9]{4,})/g;

/** The example coupon codes the templates ship: the pre-publish checklist asks whether the shop really accepts them. */
export function templateCoupons(): string[] {
  const codes = new Set<string>();
  for (const t of load()) {
    for (const n of (t.journey as { nodes: { config: Record<string, unknown> }[] }).nodes) {
      for (const m of String(n.config.text ?? '').matchAll(COUPON_LINE)) codes.add(m[1]!);
    }
  }
  return [...codes].sort();
}
