import { z } from 'zod';

/**
 * A property condition shared by triggers, event waits, goals and attribute
 * conditions: `{ path: 'properties.category', op: 'eq', value: 'shoes' }`.
 * Paths are dotted, so nested JSON can be reached.
 */
export const FILTER_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'not_exists'] as const;
/** Comparison of a filter. */
export type FilterOp = (typeof FILTER_OPS)[number];

export const filterSchema = z.object({
  path: z.string().min(1, 'path: name the property, e.g. "category" or "properties.category"'),
  op: z.enum(FILTER_OPS, { error: `op: use one of ${FILTER_OPS.join(', ')}` }),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
});
/** A condition on a property: `{ field, op, value }`. */
export type Filter = z.infer<typeof filterSchema>;

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && a !== null && b !== null && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return compare(a, b) === 0 || String(a) === String(b);
}

export function matchesFilter(subject: unknown, f: Filter): boolean {
  const v = getPath(subject, f.path);
  switch (f.op) {
    case 'exists':
      return v !== undefined && v !== null;
    case 'not_exists':
      return v === undefined || v === null;
    case 'eq':
      return looseEquals(v, f.value);
    case 'ne':
      return !looseEquals(v, f.value);
    case 'contains':
      if (Array.isArray(v)) return v.some((x) => looseEquals(x, f.value));
      return typeof v === 'string' && f.value !== undefined && f.value !== null && v.toLowerCase().includes(String(f.value).toLowerCase());
    default: {
      if (v === undefined || v === null) return false;
      const c = compare(v, f.value);
      if (c === undefined) return false;
      return f.op === 'gt' ? c > 0 : f.op === 'gte' ? c >= 0 : f.op === 'lt' ? c < 0 : c <= 0;
    }
  }
}

/** All filters must hold (an empty list always matches). */
export function matchesAll(subject: unknown, filters: readonly Filter[] | undefined): boolean {
  if (!filters) return true;
  for (const f of filters) if (!matchesFilter(subject, f)) return false;
  return true;
}

/** What event filters see: property paths work bare (`category`) or prefixed (`properties.category`). */
export function eventSubject(type: string, properties: Record<string, unknown>): Record<string, unknown> {
  return { ...properties, type, properties };
}
