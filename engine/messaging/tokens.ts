import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a tracking link may do; each route accepts only its own action. */
export type TrackingAction = 'unsubscribe' | 'open' | 'click';

export interface TrackingClaim {
  action: TrackingAction;
  customerId: number;
  /** Outbox key of the message the link came in. */
  key: string;
  journeyId: string;
  nodeId: string;
  /** Click target (click links only). */
  url?: string;
}

const ACTIONS: Record<TrackingAction, string> = { unsubscribe: 'u', open: 'o', click: 'c' };
const BY_CODE = new Map(Object.entries(ACTIONS).map(([a, c]) => [c, a as TrackingAction]));

function mac(secret: string, payload: string): Buffer {
  // Domain-separated so a tracking token can never double as another signature made with the same secret.
  return createHmac('sha256', secret).update(`foresight-link.v1.${payload}`).digest();
}

/**
 * A link token: the claim as base64url JSON plus an HMAC-SHA256 tag. Links
 * carry everything the router needs, so no lookup table is stored, and the
 * tag means nobody can unsubscribe someone else or turn `/t/click` into an
 * open redirect.
 */
export function signToken(claim: TrackingClaim, secret: string): string {
  const body = [ACTIONS[claim.action], claim.customerId, claim.key, claim.journeyId, claim.nodeId, ...(claim.url === undefined ? [] : [claim.url])];
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The claim if the token is intact and made for `action`; otherwise null. */
export function verifyToken(token: string, secret: string, action: TrackingAction): TrackingClaim | null {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(body) || BY_CODE.get(body[0]) !== action) return null;
  const [, customerId, key, journeyId, nodeId, url] = body as [string, number, string, string, string, string | undefined];
  return { action, customerId, key, journeyId, nodeId, ...(url === undefined ? {} : { url }) };
}
