import { describe, expect, it } from 'vitest';
import { signToken, verifyToken, type TrackingClaim } from './tokens.ts';

const claim: TrackingClaim = { action: 'click', customerId: 7, key: '12:m:1', journeyId: 'j', nodeId: 'm', url: 'https://shop.example/?a=1&b=ü' };

describe('tracking tokens', () => {
  it('round-trips a claim for its own action only', () => {
    const t = signToken(claim, 'secret');
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyToken(t, 'secret', 'click')).toEqual(claim);
    expect(verifyToken(t, 'secret', 'unsubscribe')).toBeNull();
  });

  it('refuses a changed payload, a changed tag, another secret and garbage', () => {
    const t = signToken(claim, 'secret');
    const [payload, tag] = t.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify(['c', 8, '12:m:1', 'j', 'm', 'https://evil.example/'])).toString('base64url');
    expect(verifyToken(`${other}.${tag}`, 'secret', 'click')).toBeNull();
    expect(verifyToken(`${payload}.${tag.slice(0, -2)}AA`, 'secret', 'click')).toBeNull();
    expect(verifyToken(t, 'other-secret', 'click')).toBeNull();
    expect(verifyToken('nonsense', 'secret', 'click')).toBeNull();
    expect(verifyToken('.', 'secret', 'click')).toBeNull();
  });
});
