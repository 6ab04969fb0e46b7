import { ForesightError } from '../core/errors.ts';
import { toProfile } from '../executor/engine.ts';
import { CustomerServices, type ServiceProviders } from '../executor/services.ts';
import { emptyUnit } from '../executor/unit.ts';
import type { Problem } from '../graph/types.ts';
import type { CustomerRecord, Storage } from '../storage/types.ts';
import { definitionProblems, type SegmentCondition } from './definition.ts';
import { prefetchSubjects, segmentNeeds } from './batch.ts';
import { evaluateSegment, type SegmentVerdict } from './evaluate.ts';

export { COMPARE_OPS, ORDER_METRICS, definitionProblems, segmentDefinitionSchema, type CompareOp, type OrderMetric, type SegmentCondition } from './definition.ts';
export { segmentNeeds, type SegmentNeeds } from './batch.ts';
export { evaluateSegment, scoreLabel, type SegmentCheck, type SegmentSubject, type SegmentVerdict } from './evaluate.ts';
export { LIFECYCLE_STAGES, RFM_SEGMENTS, SCORE_NAMES, SEGMENT_LABELS, VALUE_TIERS, labelProblem } from './labels.ts';

/** Emitted by the segment refresh for a customer who entered a saved segment (properties `{ segment }`); `trigger.segment` enrolls on it. */
export const SEGMENT_ENTERED = '$segment.entered';
/** Emitted for a customer who left a saved segment (usable as a journey exit event). */
export const SEGMENT_LEFT = '$segment.left';

const PAGE = 1000;

/** Parses a definition or throws one error listing every problem (its field is the first problem's path). */
export function parseDefinition(def: unknown): SegmentCondition {
  const problems = definitionProblems(def);
  if (problems.length) {
    throw new ForesightError('invalid_segment', `segment definition is invalid:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`, { field: problems[0]!.field, details: problems });
  }
  return def as SegmentCondition;
}

/** Reads a saved segment's definition; an unknown name is an error that says how to fix it. */
export async function savedDefinition(storage: Storage, name: string): Promise<SegmentCondition> {
  const row = await storage.segments.get(name);
  if (!row) throw new ForesightError('unknown_segment', `segment "${name}" does not exist; save it first (POST /api/segments) or fix the name`, { field: 'segment' });
  return parseDefinition(row.definition);
}

/**
 * Saved segments and ad-hoc definitions evaluated against stored customers:
 * validation for the builder, counts and previews for the API, and the
 * membership scan the refresh job uses.
 */
export class SegmentService {
  constructor(private readonly storage: Storage) {}

  validate(def: unknown): Problem[] {
    return definitionProblems(def);
  }

  /** Saves after validating; returns the problems instead of saving when there are any. */
  async save(s: { name: string; definition: unknown; description?: string | null }, now: Date): Promise<Problem[]> {
    const problems = s.name.trim() ? this.validate(s.definition) : [{ field: 'name', message: 'name: give the segment a name' }];
    if (problems.length === 0) await this.storage.segments.save({ ...s, name: s.name.trim() }, now.getTime());
    return problems;
  }

  async explain(def: unknown, customerId: number, now: Date): Promise<SegmentVerdict> {
    const parsed = parseDefinition(def);
    const [row] = await this.storage.customers.get([customerId]);
    if (!row) throw new ForesightError('unknown_customer', `customer ${customerId} does not exist`, { field: 'customerId' });
    return this.evaluate(parsed, row, now);
  }

  async matches(def: unknown, customerId: number, now: Date): Promise<boolean> {
    return (await this.explain(def, customerId, now)).matched;
  }

  async count(def: unknown, now: Date): Promise<number> {
    let n = 0;
    await this.scan(parseDefinition(def), now, () => {
      n++;
      return true;
    });
    return n;
  }

  async preview(def: unknown, now: Date, limit: number): Promise<CustomerRecord[]> {
    const out: CustomerRecord[] = [];
    if (limit <= 0) return out;
    await this.scan(parseDefinition(def), now, (c) => {
      out.push(c);
      return out.length < limit;
    });
    return out;
  }

  /** Calls `onMatch` for each member in id order until it returns false. Reads a page of customers' data at a time. */
  async scan(def: SegmentCondition, now: Date, onMatch: (c: CustomerRecord) => boolean | void): Promise<void> {
    const needs = segmentNeeds(def, now);
    // Keyset pages: cost per page stays flat however many customers come before it.
    for (let afterId = 0; ; ) {
      const ids = await this.storage.models.customerIds({ afterId, limit: PAGE });
      if (ids.length === 0) return;
      afterId = ids[ids.length - 1]!;
      const page = (await this.storage.customers.get(ids)).filter((c) => c.createdAt <= now.getTime()).sort((a, b) => a.id - b.id);
      const services = await prefetchSubjects(this.storage, page, needs, now);
      for (const c of page) {
        const verdict = await evaluateSegment(def, { customer: toProfile(c), services: services.get(c.id)! }, now);
        if (verdict.matched && onMatch(c) === false) return;
      }
      if (ids.length < PAGE) return;
    }
  }

  private evaluate(def: SegmentCondition, row: CustomerRecord, now: Date): Promise<SegmentVerdict> {
    const customer = toProfile(row);
    // Read-only services: nothing is enqueued, so the unit is never committed.
    const services = new CustomerServices(this.storage, {}, customer, emptyUnit(), () => now);
    return evaluateSegment(def, { customer, services }, now);
  }
}

/** Saved segments for the engine: evaluates the saved definition live, at the step's time, with the step's services. */
export function segmentProvider(storage: Storage): NonNullable<ServiceProviders['segment']> {
  return async (name, customer, now, services) => evaluateSegment(await savedDefinition(storage, name), { customer, services }, now);
}
