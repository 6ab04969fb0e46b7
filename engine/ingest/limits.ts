/**
 * Limits on free-form values that reach storage (event properties, customer
 * attributes): checked before anything is written, so a hostile value is
 * refused with the place it broke a rule instead of failing half-way.
 */
export const INPUT_LIMITS = {
  /** Nesting levels of objects and arrays inside one properties/attributes value. */
  maxDepth: 32,
  /** UTF-8 bytes of one properties/attributes value as JSON. */
  maxBytes: 64 * 1024,
} as const;

// In a `u` regex, a paired surrogate is one code point; only a lone one is \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * True when a string holds a lone UTF-16 surrogate: it has no UTF-8 form, so
 * it can be stored but never exported, compared or erased reliably.
 */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

export type JsonProblem = { kind: 'depth' | 'size' | 'surrogate'; path: (string | number)[]; message: string };

/**
 * Every value inside a JSON value with its path, depth first. Iterative: a
 * value nested deeper than the call stack must be checked, not crash the check.
 */
function* walk(value: unknown): Generator<{ v: unknown; path: (string | number)[] }> {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length) {
    const item = stack.pop()!;
    yield item;
    if (item.v !== null && typeof item.v === 'object') {
      const array = Array.isArray(item.v);
      for (const [k, child] of Object.entries(item.v)) stack.push({ v: child, path: [...item.path, array ? Number(k) : k] });
    }
  }
}

/** The path of the first object or array nested deeper than `maxDepth`, or null. */
export function tooDeep(value: unknown, maxDepth: number): (string | number)[] | null {
  for (const { v, path } of walk(value)) if (v !== null && typeof v === 'object' && path.length >= maxDepth) return path;
  return null;
}

/** The first rule a free-form JSON value breaks (depth, lone surrogates, size), or null. */
export function jsonProblem(value: unknown, limits: { maxDepth: number; maxBytes: number } = INPUT_LIMITS): JsonProblem | null {
  for (const { v, path } of walk(value)) {
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v)) return { kind: 'surrogate', path, message: 'contains a lone UTF-16 surrogate (broken text encoding); send valid Unicode' };
    } else if (v !== null && typeof v === 'object') {
      if (path.length >= limits.maxDepth) return { kind: 'depth', path, message: `nested deeper than ${limits.maxDepth} levels; flatten the value` };
      const bad = Object.keys(v).find(hasLoneSurrogate);
      if (bad !== undefined) return { kind: 'surrogate', path, message: `key ${JSON.stringify(bad)} contains a lone UTF-16 surrogate; send valid Unicode` };
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
  if (bytes > limits.maxBytes) return { kind: 'size', path: [], message: `${bytes} bytes as JSON, more than the ${limits.maxBytes} allowed; store large data elsewhere and send a reference` };
  return null;
}
