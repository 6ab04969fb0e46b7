import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRegistry } from '../../engine/cli/context.ts';
import { loadConfig } from '../../engine/config.ts';
import { startServer } from '../../engine/server.ts';
import { createHarness, createHttpService, registryWith } from 'foresight/testing';
import slackPlugin from './index.ts';
import { validateJourney } from '../../engine/graph/validate.ts';

const PLUGIN = path.resolve(import.meta.dirname, 'index.ts');
const KEY = 'plugin-test-key-0123456789';
const config = loadConfig({ FORESIGHT_PLUGINS: PLUGIN, FORESIGHT_API_KEY: KEY, PORT: '0', FORESIGHT_LOG_LEVEL: 'silent', FORESIGHT_DB: ':memory:' }, {});

/** A stand-in for Slack's incoming-webhook endpoint: records posts, answers with the status it is told. */
let slack: Server;
let slackUrl = '';
const received: { path: string; body: unknown }[] = [];
let answer = 200;
beforeAll(async () => {
  slack = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(data) });
      res.writeHead(answer).end(answer === 200 ? 'ok' : 'invalid_token');
    });
  });
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
  slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T0/B0/x`;
});
afterAll(() => new Promise<void>((r) => slack.close(() => r())));

const journey = () => ({
  id: 'vip-alert',
  name: 'VIP alert',
  nodes: [
    { id: 'trigger', type: 'trigger.event', config: { event: 'churn_risk' } },
    { id: 'alert', type: 'action.slack', config: { webhookUrl: slackUrl, message: 'VIP {{customer.first_name}} ({{customer.id}}) is at risk' } },
    { id: 'done', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'alert' },
    { id: 'e2', source: 'alert', sourceHandle: 'next', target: 'done' },
  ],
});

// The stand-in for Slack listens on 127.0.0.1, which ctx.http refuses unless allowed.
const harness = () => createHarness({ registry: registryWith(slackPlugin), providers: { http: createHttpService({ allowPrivate: true }) } });

describe('the Slack node plugin', () => {
  it('is loaded from FORESIGHT_PLUGINS and listed by GET /api/node-types for the builder palette', async () => {
    const server = await startServer({ config, builderDir: null, scheduler: false });
    try {
      const res = await fetch(`${server.url}/api/node-types`, { headers: { authorization: `Bearer ${KEY}` } });
      const { nodeTypes } = (await res.json()) as { nodeTypes: { type: string; category: string; ports: string[]; fields: { key: string }[] }[] };
      const slackNode = nodeTypes.find((n) => n.type === 'action.slack');
      expect(slackNode).toMatchObject({ category: 'action', ports: ['next'] });
      expect(slackNode!.fields.map((f) => f.key)).toEqual(['webhookUrl', 'message']);
    } finally {
      await server.close();
    }
  });

  it('posts the personalised message once when a journey reaches it', async () => {
    const h = harness();
    try {
      received.length = 0;
      answer = 200;
      await h.journeys.deploy(journey());
      await h.identify([{ customerId: 'c1', attributes: { first_name: 'Mina' } }]);
      await h.track([{ customerId: 'c1', type: 'churn_risk' }]);
      await h.engine.runUntilIdle();
      expect(received).toEqual([{ path: '/services/T0/B0/x', body: { text: 'VIP Mina (c1) is at risk' } }]);
      const [sent] = await h.storage.outbox.list({ kind: 'slack' });
      expect(sent!.status).toBe('sent');
      // Running again delivers nothing twice.
      await h.engine.runUntilIdle();
      expect(received).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('delivers from a server whose FORESIGHT_WEBHOOK_ALLOW_PRIVATE lets ctx.http reach this local stand-in', async () => {
    const local = loadConfig({ FORESIGHT_PLUGINS: PLUGIN, FORESIGHT_API_KEY: KEY, PORT: '0', FORESIGHT_LOG_LEVEL: 'silent', FORESIGHT_DB: ':memory:', FORESIGHT_WEBHOOK_ALLOW_PRIVATE: 'true' }, {});
    const server = await startServer({ config: local, builderDir: null, scheduler: false });
    try {
      received.length = 0;
      answer = 200;
      const call = (method: string, url: string, json?: unknown) =>
        fetch(`${server.url}${url}`, { method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) });
      await call('POST', '/api/journeys', { name: 'VIP alert' });
      const { nodes, edges } = journey();
      await call('PUT', '/api/journeys/vip-alert/draft', { graph: { nodes, edges } });
      expect((await call('POST', '/api/journeys/vip-alert/publish')).status).toBe(200);
      await call('POST', '/api/batch', { batch: [{ kind: 'identify', customerId: 'c3', attributes: { first_name: 'Ola' } }, { kind: 'track', customerId: 'c3', type: 'churn_risk' }] });
      await server.engine.runUntilIdle();
      expect(received).toEqual([{ path: '/services/T0/B0/x', body: { text: 'VIP Ola (c3) is at risk' } }]);
    } finally {
      await server.close();
    }
  });

  it('records a rejected webhook as failed with Slack’s answer', async () => {
    const h = harness();
    try {
      answer = 403;
      await h.journeys.deploy(journey());
      await h.track([{ customerId: 'c2', type: 'churn_risk' }]);
      await h.engine.runUntilIdle();
      const [item] = await h.storage.outbox.list({ kind: 'slack' });
      expect(item).toMatchObject({ status: 'failed', lastError: 'slack answered 403: invalid_token' });
    } finally {
      await h.close();
    }
  });

  it('checks its config: a missing webhook URL and a broken template are named by field', async () => {
    const doc = journey();
    doc.nodes[1]!.config = { webhookUrl: '', message: 'Hi {{customer.first_name' };
    const result = validateJourney(doc, await cliRegistry(config));
    expect(result.ok).toBe(false);
    const fields = result.problems.filter((p) => p.nodeId === 'alert').map((p) => p.field);
    expect(fields).toContain('webhookUrl');
    expect(fields).toContain('message');
  });
});
