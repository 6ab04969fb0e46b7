import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { createApp } from './app.ts';

const KEY = 'test-key-0123456789abcdef';
let server: Server;
let base: string;

beforeAll(async () => {
  const app = createApp({ registry: builtinRegistry(), apiKey: KEY });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('http app', () => {
  it('serves /healthz without a key', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('refuses the API without the key, or with a wrong one', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-key' }, { authorization: KEY }]) {
      const res = await fetch(`${base}/api/node-types`, { headers });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string; field?: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.field).toBe('authorization');
    }
  });

  it('lists the five core node types with the key', async () => {
    const res = await fetch(`${base}/api/node-types`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { nodeTypes: { type: string; ports: string[] }[] };
    expect(body.nodeTypes.map((n) => n.type)).toEqual(expect.arrayContaining(['trigger.event', 'wait.delay', 'wait.event', 'condition.attribute', 'flow.exit']));
  });

  it('answers unknown routes with a JSON error', async () => {
    const res = await fetch(`${base}/api/nope`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
