import type { CustomerUpsert, ProfileChange } from '../storage/types.ts';

/** Applies a profile change to attributes. Pure: returns a new object. Tags live in `attributes.tags`. */
export function applyProfileChange(attributes: Record<string, unknown>, change: Omit<ProfileChange, 'customerId'>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...attributes };
  for (const [k, v] of Object.entries(change.set ?? {})) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  for (const [k, by] of Object.entries(change.increment ?? {})) {
    const cur = Number(out[k] ?? 0);
    out[k] = (Number.isFinite(cur) ? cur : 0) + by;
  }
  if (change.addTags?.length || change.removeTags?.length) {
    const tags = new Set(Array.isArray(out.tags) ? (out.tags as unknown[]).map(String) : []);
    for (const t of change.addTags ?? []) tags.add(t);
    for (const t of change.removeTags ?? []) tags.delete(t);
    out.tags = [...tags].sort();
  }
  return out;
}

/** Merges upserted attributes: keys set to null are removed. */
export function mergeAttributes(current: Record<string, unknown>, incoming: Record<string, unknown> | undefined): Record<string, unknown> {
  return incoming ? applyProfileChange(current, { set: incoming }) : current;
}

/** The parts of a profile an identify sets. */
export interface ProfileFields {
  email: string | null;
  attributes: Record<string, unknown>;
  timezone: string | null;
  consent: Record<string, boolean>;
}

/** A stored profile (none for a new customer) with an upsert applied: absent fields are kept, attributes and consent merge. Pure. */
export function mergeProfile(cur: ProfileFields | undefined, c: CustomerUpsert): ProfileFields {
  return {
    email: c.email === undefined ? (cur?.email ?? null) : c.email,
    attributes: mergeAttributes(cur?.attributes ?? {}, c.attributes),
    timezone: c.timezone === undefined ? (cur?.timezone ?? null) : c.timezone,
    consent: { ...cur?.consent, ...(c.consent ?? {}) },
  };
}
