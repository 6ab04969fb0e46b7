import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import { parseDefinition, SEGMENT_ENTERED, SEGMENT_LEFT, segmentNeeds, SegmentService, type SegmentCondition } from '../segments/index.ts';
import type { ChangeMark, EventInput, SegmentMemberRecord, SegmentRecord, Storage } from '../storage/types.ts';

const EVENT_BATCH = 1000;

export interface RefreshResult {
  entered: number;
  left: number;
  /** Saved segments that could not be evaluated (e.g. an invalid definition), with the reason. */
  failed: { segment: string; message: string }[];
}

/**
 * Re-evaluates saved segments at the clock's time and records who entered
 * and who left, emitting `$segment.entered` / `$segment.left` events with
 * properties `{ segment }`. Events are written before the membership, keyed by
 * segment, customer and entry number, so a crash between the two writes
 * repeats the same keys on the next refresh and no entry is announced twice.
 *
 * `names` limits the refresh to some segments; `customerIds` to some customers
 * (e.g. the ones whose events just arrived), leaving everyone else's standing as it was.
 */
export async function refreshSegments(storage: Storage, clock: Clock, opts: { names?: string[]; customerIds?: number[]; /** Added to the entered/left events (e.g. addressing, see executor/addressed.ts). */ properties?: Record<string, unknown> } = {}): Promise<RefreshResult> {
  const now = clock.now();
  const service = new SegmentService(storage);
  const saved = opts.names ? (await Promise.all(opts.names.map((n) => storage.segments.get(n)))).filter((s): s is SegmentRecord => s !== null) : await storage.segments.list();
  const result: RefreshResult = { entered: 0, left: 0, failed: [] };
  for (const segment of saved) {
    try {
      const def = parseDefinition(segment.definition);
      const current = opts.customerIds ? await membersAmong(service, def, opts.customerIds, now) : await allMembers(service, def, now);
      const r = await apply(storage, segment, current, now.getTime(), opts.customerIds ? new Set(opts.customerIds) : null, opts.properties ?? {});
      // Only a full refresh knows the whole size.
      if (!opts.customerIds) await storage.segmentMembers.recordSize(segment.name, current.size, now.getTime());
      result.entered += r.entered;
      result.left += r.left;
    } catch (err) {
      result.failed.push({ segment: segment.name, message: errorMessage(err) });
    }
  }
  return result;
}

/** What a segment's membership can change with: event types it reads (orders arrive as `purchase` events), and whether it reads the profile. */
export function segmentInputs(def: SegmentCondition): { eventTypes: Set<string>; profile: boolean } {
  const needs = segmentNeeds(def, new Date(0)); // the time only sets windows, which do not matter here
  return { eventTypes: new Set([...needs.events.keys(), ...(needs.orders ? ['purchase'] : [])]), profile: needs.profile };
}

const WATCH_PAGE = 5000;
const BEFORE_ALL: ChangeMark = { updatedAt: Number.MIN_SAFE_INTEGER, id: 0 };

/**
 * Membership changes between full refreshes: each call reads the events stored
 * and the profiles changed (identify, profile-update nodes) since the last call,
 * and refreshes just those customers in just the segments that read them.
 * Changes that come from time passing or new scores wait for the next full
 * refresh.
 */
export function segmentChangeWatcher(storage: Storage, clock: Clock): () => Promise<RefreshResult> {
  let afterId: number | null = null;
  let profileMark: ChangeMark | null = null;
  return async () => {
    const result: RefreshResult = { entered: 0, left: 0, failed: [] };
    const watched = new Map<string, ReturnType<typeof segmentInputs>>();
    for (const s of await storage.segments.list()) {
      try {
        watched.set(s.name, segmentInputs(parseDefinition(s.definition)));
      } catch {
        // Reported by the full refresh; nothing to watch here.
      }
    }
    // A first look at each log only finds where it ends: the full refresh covers what came before.
    const types = [...new Set([...watched.values()].flatMap((w) => [...w.eventTypes]))];
    let customersByType = new Map<string, Set<number>>();
    if (types.length) {
      const events = await newEvents(storage, types, afterId ?? 0, afterId !== null);
      afterId = events.lastId;
      customersByType = events.customersByType;
    }
    const changedProfiles = new Set<number>();
    if (profileMark === null) profileMark = (await storage.customers.lastChange()) ?? BEFORE_ALL;
    else {
      for (;;) {
        const page = await storage.customers.changedSince(profileMark, WATCH_PAGE);
        for (const c of page) changedProfiles.add(c.id);
        profileMark = page.at(-1) ?? profileMark;
        if (page.length < WATCH_PAGE) break;
      }
    }
    for (const [segment, w] of watched) {
      const ids = new Set([...w.eventTypes].flatMap((t) => [...(customersByType.get(t) ?? [])]));
      if (w.profile) for (const id of changedProfiles) ids.add(id);
      if (ids.size === 0) continue;
      const r = await refreshSegments(storage, clock, { names: [segment], customerIds: [...ids] });
      result.entered += r.entered;
      result.left += r.left;
      result.failed.push(...r.failed);
    }
    return result;
  };
}

/** Events of these types after `afterId`: where the log ends and, when `collect`, who had which type. */
async function newEvents(storage: Storage, types: string[], afterId: number, collect: boolean): Promise<{ lastId: number; customersByType: Map<string, Set<number>> }> {
  const customersByType = new Map<string, Set<number>>();
  let lastId = afterId;
  while (types.length) {
    const page = await storage.models.eventsOfTypes(types, { afterId: lastId, limit: WATCH_PAGE });
    for (const e of page) {
      if (collect) {
        const set = customersByType.get(e.type) ?? new Set<number>();
        set.add(e.customerId);
        customersByType.set(e.type, set);
      }
      lastId = e.id;
    }
    if (page.length < WATCH_PAGE) break;
  }
  return { lastId, customersByType };
}

async function allMembers(service: SegmentService, def: SegmentCondition, now: Date): Promise<Set<number>> {
  const ids = new Set<number>();
  await service.scan(def, now, (c) => {
    ids.add(c.id);
  });
  return ids;
}

async function membersAmong(service: SegmentService, def: SegmentCondition, customerIds: number[], now: Date): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const id of new Set(customerIds)) {
    try {
      if (await service.matches(def, id, now)) ids.add(id);
    } catch {
      // A customer id that no longer exists is simply not a member.
    }
  }
  return ids;
}

async function apply(storage: Storage, segment: SegmentRecord, current: Set<number>, t: number, scope: Set<number> | null, extra: Record<string, unknown>): Promise<{ entered: number; left: number }> {
  // Rows older than the segment itself belong to a deleted segment of the same name: start afresh.
  const rows = (await storage.segmentMembers.list(segment.name)).filter((r) => r.changedAt >= segment.createdAt);
  const previous = new Map(rows.map((r) => [r.customerId, r]));
  const changes: SegmentMemberRecord[] = [];
  const events: EventInput[] = [];
  // The segment's creation time tells a re-created segment of the same name from the old one.
  const key = (kind: string, customerId: number, entry: number) => `${kind}:${segment.name}:${segment.createdAt}:${customerId}:${entry}`;
  for (const customerId of current) {
    const before = previous.get(customerId);
    if (before?.member) continue;
    const entries = (before?.entries ?? 0) + 1;
    changes.push({ segment: segment.name, customerId, member: true, entries, changedAt: t });
    events.push({ customerId, type: SEGMENT_ENTERED, properties: { ...extra, segment: segment.name }, occurredAt: t, idempotencyKey: key('segment-entered', customerId, entries) });
  }
  let left = 0;
  for (const before of previous.values()) {
    if (!before.member || current.has(before.customerId) || (scope && !scope.has(before.customerId))) continue;
    left++;
    changes.push({ ...before, member: false, changedAt: t });
    events.push({ customerId: before.customerId, type: SEGMENT_LEFT, properties: { ...extra, segment: segment.name }, occurredAt: t, idempotencyKey: key('segment-left', before.customerId, before.entries) });
  }
  for (let i = 0; i < events.length; i += EVENT_BATCH) await storage.events.insert(events.slice(i, i + EVENT_BATCH), t);
  await storage.segmentMembers.put(changes);
  return { entered: changes.length - left, left };
}
