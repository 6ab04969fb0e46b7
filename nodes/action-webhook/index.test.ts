import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../engine/testing/harness.ts';
import { builtinRegistry, type BuiltinOptions } from '../index.ts';
import { isPrivateAddress, resolveAllowed } from './address.ts';

const SECRET = 'global-secret-global-secret-global-secret';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A real HTTP receiver on 127.0.0.1 answering with the queued status codes (then 200). */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { received, port: (server.address() as AddressInfo).port };
}

function harness(options: BuiltinOptions = {}): Harness {
  const h = createHarness({ start: '2024-03-01T09:00:00Z', registry: builtinRegistry(options) });
  cleanup.push(() => h.close());
  return h;
}

async function runWebhook(h: Harness, config: Record<string, unknown>) {
  await h.journeys.deploy({
    id: 'j',
    name: 'J',
    nodes: [
      { id: 't', type: 'trigger.event', config: { event: 'signup' } },
      { id: 'w', type: 'action.webhook', config },
      { id: 'x', type: 'flow.exit', config: {} },
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'next', target: 'w' },
      { id: 'e2', source: 'w', sourceHandle: 'next', target: 'x' },
    ],
  });
  await h.identify([{ customerId: 'ann', email: 'ann@example.com', attributes: { tier: 'gold' } }]);
  await h.track([{ customerId: 'ann', type: 'signup' }]);
  const [entry] = await h.storage.outbox.list({ kind: 'webhook' });
  return entry!;
}

function verify(r: Received, secret: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(r.headers['x-foresight-signature']));
  if (!m) return false;
  return createHmac('sha256', secret).update(`${m[1]}.${r.body}`).digest('hex') === m[2];
}

describe('action.webhook address guard', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.0.0.1', true],
    ['10.255.255.255', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.20', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['fe80::1', true],
    ['febf::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.1', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['2606:4700:4700::1111', false],
    ['::ffff:8.8.8.8', false],
    // NAT64, 6to4, IPv4-compatible and SIIT forms are judged by the IPv4 address they carry.
    ['64:ff9b::127.0.0.1', true],
    ['64:ff9b::7f00:1', true],
    ['64:ff9b::a9fe:a9fe', true],
    ['64:ff9b::808:808', false],
    ['2002:7f00:1::', true],
    ['2002:a9fe:a9fe::1', true],
    ['2002:c0a8:0101:0:0:0:0:1', true],
    ['2002:808:808::1', false],
    ['::127.0.0.1', true],
    ['::7f00:1', true],
    ['::a00:1', true],
    ['::808:808', false],
    ['::ffff:0:127.0.0.1', true],
    ['0:0:0:0:0:ffff:7f00:0001', true],
    ['64:ff9b:1::1', true],
    ['2001:0:4136:e378::1', true],
    ['fe80::1%eth0', true],
    ['not-an-ip', true],
  ])('%s private: %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });

  it('resolves names and refuses one that points at loopback', async () => {
    await expect(resolveAllowed('localhost', false)).rejects.toThrow(/localhost resolves to (127\.0\.0\.1|::1)/);
    expect((await resolveAllowed('localhost', true)).length).toBeGreaterThan(0);
  });
});

describe('action.webhook', () => {
  it('refuses 127.0.0.1 by default: nothing arrives, the entry fails with the reason, the run goes on', async () => {
    const r = await receiver();
    const h = harness({ secret: SECRET });
    const entry = await runWebhook(h, { url: `http://127.0.0.1:${r.port}/hook` });
    expect(entry.status).toBe('failed');
    expect(entry.lastError).toMatch(/^refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a private, loopback or link-local address; allow private/);
    expect(r.received).toHaveLength(0);
    expect((await h.runsOf('ann'))[0]!.status).toBe('completed');
  });

  it.each([['http://10.0.0.1/hook'], ['http://10.200.3.4:8080/hook'], ['http://[::1]:9/hook'], ['http://169.254.169.254/latest/meta-data']])('refuses %s by default', async (url) => {
    const h = harness({ secret: SECRET });
    const entry = await runWebhook(h, { url });
    expect(entry.status).toBe('failed');
    expect(entry.lastError).toMatch(/^refused: /);
  });

  it('refuses a host name that resolves to loopback', async () => {
    const r = await receiver();
    const entry = await runWebhook(harness({ secret: SECRET }), { url: `http://localhost:${r.port}/hook` });
    expect(entry.lastError).toMatch(/^refused: localhost resolves to/);
    expect(r.received).toHaveLength(0);
  });

  it('delivers signed JSON to a local receiver when private addresses are allowed globally', async () => {
    const r = await receiver();
    const h = harness({ secret: SECRET, webhookAllowPrivate: true });
    const entry = await runWebhook(h, { url: `http://127.0.0.1:${r.port}/hook`, data: { campaign: 'spring' } });
    expect(entry).toMatchObject({ status: 'sent', detail: { status: 200 } });
    expect(r.received).toHaveLength(1);
    const got = r.received[0]!;
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-foresight-delivery']).toBe(entry.key);
    expect(verify(got, SECRET)).toBe(true);
    expect(verify({ ...got, body: got.body.replace('spring', 'summer') }, SECRET)).toBe(false);
    expect(JSON.parse(got.body)).toMatchObject({
      type: 'journey.webhook',
      journeyId: 'j',
      nodeId: 'w',
      at: '2024-03-01T09:00:00.000Z',
      customer: { id: 'ann', email: 'ann@example.com', attributes: { tier: 'gold' } },
      data: { campaign: 'spring' },
    });
  });

  it('uses the node\'s own secret and allowance when set', async () => {
    const r = await receiver();
    const h = harness({ secret: SECRET });
    const entry = await runWebhook(h, { url: `http://127.0.0.1:${r.port}/hook`, secret: 'node-secret', allowPrivate: true });
    expect(entry.status).toBe('sent');
    expect(verify(r.received[0]!, 'node-secret')).toBe(true);
    expect(verify(r.received[0]!, SECRET)).toBe(false);
  });

  it('retries a 503 with backoff, then delivers; a 404 fails for good', async () => {
    const r = await receiver([503]);
    const h = harness({ secret: SECRET, webhookAllowPrivate: true });
    const entry = await runWebhook(h, { url: `http://127.0.0.1:${r.port}/hook` });
    expect(entry).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 503' });
    await h.advance('5m');
    expect((await h.storage.outbox.get(entry.key))!).toMatchObject({ status: 'sent', attempts: 2 });
    expect(r.received.map((x) => x.headers['x-foresight-delivery'])).toEqual([entry.key, entry.key]);

    const gone = await receiver([404]);
    const h2 = harness({ secret: SECRET, webhookAllowPrivate: true });
    expect(await runWebhook(h2, { url: `http://127.0.0.1:${gone.port}/hook` })).toMatchObject({ status: 'failed', lastError: `HTTP 404 from 127.0.0.1:${gone.port}` });
  });

  it('gives up on a receiver that does not answer within the timeout and retries later', async () => {
    const server = createServer(() => {
      /* never answers */
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanup.push(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    const h = harness({ secret: SECRET, webhookAllowPrivate: true });
    const entry = await runWebhook(h, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, timeout: '1s' });
    expect(entry.status).toBe('pending');
    expect(entry.lastError).toMatch(/^request failed: .*(timeout|aborted)/i);
  });

  it('fails without any signing secret rather than sending unsigned', async () => {
    const r = await receiver();
    const entry = await runWebhook(harness({ webhookAllowPrivate: true }), { url: `http://127.0.0.1:${r.port}/hook` });
    expect(entry).toMatchObject({ status: 'failed', lastError: "no signing secret: set the node's secret or FORESIGHT_SECRET" });
    expect(r.received).toHaveLength(0);
  });
});
