import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const DAY = 86_400_000;
let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('sessions live in real time, whatever pace shop time runs at', () => {
  it('a week of shop time (under three minutes of a 3,600× demo) keeps the builder signed in; a real week ends the session', async () => {
    const real = new VirtualClock('2024-03-01T00:00:00Z');
    s = await startTestServer({ realClock: real });
    const headers = await s.login();

    s.clock.advance(8 * DAY);
    const shopWeekLater = await s.call('GET', '/api/auth/me', { headers });
    expect(shopWeekLater.status).toBe(200);
    expect(shopWeekLater.body.user.email).toBe('admin@example.com');

    real.advance(8 * DAY);
    const realWeekLater = await s.call('GET', '/api/auth/me', { headers });
    expect(realWeekLater.status).toBe(401);
  });
});
