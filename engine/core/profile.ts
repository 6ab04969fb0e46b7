import type { ProfileChange } from '../storage/types.ts';

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
