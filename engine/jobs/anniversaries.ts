import type { Clock } from '../core/clock.ts';
import { JourneyCatalog } from '../executor/catalog.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import type { CustomerRecord, EventInput, Storage } from '../storage/types.ts';
import { ANNIVERSARY_EVENT, CREATED_AT_ATTRIBUTE } from '../../nodes/trigger-date/index.ts';
import { isAnniversary, parseCalendarDate } from '../../nodes/trigger-date/anniversary.ts';
import { localParts } from '../core/time.ts';

const PAGE = 1000;

/** One catalog per storage and registry: it re-reads journeys only when they changed, and an hourly job should not recompile them. */
const catalogs = new WeakMap<Storage, WeakMap<NodeRegistry, JourneyCatalog>>();
function catalogFor(storage: Storage, registry: NodeRegistry): JourneyCatalog {
  let byRegistry = catalogs.get(storage);
  if (!byRegistry) catalogs.set(storage, (byRegistry = new WeakMap()));
  let catalog = byRegistry.get(registry);
  if (!catalog) byRegistry.set(registry, (catalog = new JourneyCatalog(storage, registry)));
  return catalog;
}

/**
 * Emits `$anniversary` events (properties `{ attribute, date, years }`) for
 * customers whose local date is the anniversary of a date attribute that a
 * live `trigger.date` journey listens to. Run it often (hourly): the key per
 * customer, attribute and local year makes every run after the first a no-op.
 */
export async function emitAnniversaries(storage: Storage, clock: Clock, registry: NodeRegistry): Promise<{ emitted: number }> {
  const catalog = catalogFor(storage, registry);
  await catalog.refresh();
  const attributes = new Set<string>();
  for (const t of catalog.triggersFor(ANNIVERSARY_EVENT)) {
    const attribute = t.journey.nodes.get(t.nodeId)?.config.attribute;
    if (typeof attribute === 'string' && attribute.trim()) attributes.add(attribute.trim());
  }
  if (attributes.size === 0) return { emitted: 0 };

  const now = clock.now();
  let emitted = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await storage.customers.list({ limit: PAGE, offset });
    const events: EventInput[] = [];
    for (const c of page) {
      if (c.createdAt > now.getTime()) continue;
      const today = localParts(now, c.timezone ?? 'UTC');
      for (const attribute of attributes) {
        const raw = attribute === CREATED_AT_ATTRIBUTE ? createdDate(c) : c.attributes[attribute];
        const date = parseCalendarDate(raw);
        if (!date || !isAnniversary(date, today)) continue;
        events.push({
          customerId: c.id,
          type: ANNIVERSARY_EVENT,
          properties: { attribute, date: raw, years: date.year === null ? null : today.year - date.year },
          occurredAt: now.getTime(),
          idempotencyKey: `anniversary:${c.id}:${attribute}:${today.year}`,
        });
      }
    }
    if (events.length) emitted += (await storage.events.insert(events, now.getTime())).filter((id) => id !== null).length;
    if (page.length < PAGE) return { emitted };
  }
}

/** The profile's creation day in the customer's own zone. */
function createdDate(c: CustomerRecord): string {
  const d = localParts(new Date(c.createdAt), c.timezone ?? 'UTC');
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}
