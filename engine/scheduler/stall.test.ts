import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { VirtualClock } from '../core/clock.ts';
import { Engine } from '../executor/engine.ts';
import { assertNoRejections, identifyCustomers, trackEvents } from '../ingest/ingest.ts';
import { JourneyService } from '../journeys.ts';
import { openSqlite } from '../storage/sqlite/index.ts';
import { Scheduler } from './scheduler.ts';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A mail server that accepts connections and never says a word. */
async function blackhole() {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `smtp://127.0.0.1:${(server.address() as { port: number }).port}`,
    open: () => sockets.size,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const journey = (id: string, event: string, action: { id: string; type: string; config: Record<string, unknown> } | null) => ({
  id,
  name: id,
  nodes: [{ id: 't', type: 'trigger.event', config: { event } }, ...(action ? [action] : []), { id: 'x', type: 'flow.exit', config: { reason: 'done' } }],
  edges: action
    ? [
        { id: 'e1', source: 't', sourceHandle: 'next', target: action.id },
        { id: 'e2', source: action.id, sourceHandle: 'next', target: 'x' },
      ]
    : [{ id: 'e1', source: 't', sourceHandle: 'next', target: 'x' }],
});

describe('a stalled mail server', () => {
  it('does not hold up enrolment: a journey without email enrols while the SMTP server still hangs', async () => {
    const hole = await blackhole();
    cleanup.push(() => hole.close());
    const dir = mkdtempSync(path.join(tmpdir(), 'foresight-stall-'));
    const storage = openSqlite(path.join(dir, 'db.sqlite'));
    cleanup.push(async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const clock = new VirtualClock('2024-03-01T09:00:00Z');
    const registry = builtinRegistry({ smtpUrl: hole.url, mailFrom: 'shop@shop.example', publicUrl: 'http://127.0.0.1:1', secret: 'a-test-secret-that-is-long-enough-0123456789' });
    const journeys = new JourneyService(storage, registry, clock);
    await journeys.deploy(journey('welcome', 'signup', { id: 'm', type: 'action.email', config: { subject: 'Hi', html: '<p>Hi</p>' } }));
    await journeys.deploy(journey('browse', 'visit', null));
    assertNoRejections(await identifyCustomers(storage, clock, [{ customerId: 'ann', email: 'ann@example.com' }]));
    assertNoRejections(await trackEvents(storage, clock, [{ customerId: 'ann', type: 'signup' }]));

    const scheduler = new Scheduler({ engine: new Engine({ storage, registry, clock }), clock, pollMs: 20, onError: () => {} });
    scheduler.start();
    cleanup.push(async () => {
      // Hang up on the stalled sender so the delivery loop can finish its batch and stop.
      await hole.close();
      await scheduler.stop();
    });
    // Ann's welcome mail is on the wire, waiting for a greeting that never comes.
    await vi.waitFor(async () => expect((await storage.outbox.list({ kind: 'email' }))[0]?.status).toBe('sending'), { timeout: 5000, interval: 20 });
    await vi.waitFor(() => expect(hole.open()).toBeGreaterThan(0), { timeout: 5000, interval: 20 });

    assertNoRejections(await trackEvents(storage, clock, [{ customerId: 'bob', type: 'visit' }]));
    const bob = (await storage.customers.byExternalId('bob'))!.id;
    await vi.waitFor(async () => expect((await storage.runs.forCustomer(bob)).map((r) => [r.journeyId, r.status])).toEqual([['browse', 'completed']]), { timeout: 5000, interval: 20 });
    // …and the mail server still has not answered.
    expect(hole.open()).toBeGreaterThan(0);
    expect((await storage.outbox.list({ kind: 'email' }))[0]!.status).toBe('sending');
  });
});
