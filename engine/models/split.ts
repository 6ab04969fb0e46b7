/**
 * Deterministic train/holdout split by customer id: a seeded FNV-1a hash of the id decides,
 * so a customer stays on the same side however the rows are ordered or filtered.
 */

/**
 * 1 for holdout rows, 0 for training rows; about `fraction` of ids are held out.
 * @example holdoutMask(['c1', 'c2', 'c3'], 0.3, 1) // e.g. Uint8Array [0, 1, 0]
 */
export function holdoutMask(ids: readonly string[], fraction: number, seed: number): Uint8Array {
  const out = new Uint8Array(ids.length);
  const threshold = fraction * 4294967296;
  for (let i = 0; i < ids.length; i++) out[i] = hashId(ids[i]!, seed) < threshold ? 1 : 0;
  return out;
}

function hashId(id: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let k = 0; k < id.length; k++) {
    h ^= id.charCodeAt(k);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche so ids differing in the last character spread over the whole range.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}
