import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random URL-safe secret (256 bits by default). */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens and keys are high-entropy, so a plain SHA-256 is enough to store them safely. */
export function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
