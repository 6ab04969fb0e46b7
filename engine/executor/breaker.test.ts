import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { DeliveryBreaker, type DeliveryHold } from './breaker.ts';

function breaker() {
  const clock = new VirtualClock(0);
  const holds: DeliveryHold[] = [];
  return { clock, holds, b: new DeliveryBreaker(clock, { window: 10, minSamples: 4, threshold: 0.5, cooldownMs: 1000 }, (h) => holds.push(h)) };
}

describe('DeliveryBreaker', () => {
  it('pauses a kind when half of its recent deliveries fail, not before it has enough to judge; other kinds go on', () => {
    const { b, holds } = breaker();
    b.record('email', true);
    b.record('email', true);
    b.record('email', true);
    expect(b.pausedKinds()).toEqual([]);
    b.record('webhook', false);
    b.record('email', false);
    expect(b.pausedKinds()).toEqual(['email']);
    expect(holds).toEqual([{ kind: 'email', cause: 'failure-rate', reason: '3 of the last 4 deliveries failed', since: 0, until: 1000 }]);
    expect(b.isPaused('webhook')).toBe(false);
  });

  it('after the cooldown one more failure pauses again for twice as long; a healthy run ends probation', () => {
    const { b, clock, holds } = breaker();
    b.relayRefused('email', 'SMTP 550: 5.7.1 Relaying denied');
    clock.advance(1000);
    expect(b.pausedKinds()).toEqual([]);
    expect(b.trusts('email')).toBe(false);
    b.record('email', true);
    expect(holds.map((h) => [h.cause, h.until - h.since])).toEqual([['relay', 1000], ['failure-rate', 2000]]);
    clock.advance(2000);
    for (let i = 0; i < 4; i++) b.record('email', false);
    expect(b.trusts('email')).toBe(true);
    b.record('email', true);
    expect(b.pausedKinds()).toEqual([]);
  });

  it('an operator can resume a paused kind at once', () => {
    const { b } = breaker();
    b.relayRefused('email', 'auth');
    expect(b.status().paused.map((p) => p.kind)).toEqual(['email']);
    expect(b.resume('webhook')).toEqual([]);
    expect(b.resume()).toEqual(['email']);
    expect(b.isPaused('email')).toBe(false);
  });
});
