import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpService } from './http.ts';

// A real local API: answers each path with the statuses it is given, in order, and counts hits.
let server: Server;
let base = '';
const script: Record<string, number[]> = {};
const hits: Record<string, number> = {};
beforeAll(async () => {
  server = createServer((req, res) => {
    const p = req.url ?? '';
    hits[p] = (hits[p] ?? 0) + 1;
    if (p === '/hang') return; // never answers
    const status = script[p]?.shift() ?? 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status, path: p }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

describe('ctx.services.http', () => {
  const http = createHttpService({ retryDelayMs: 1 });

  it('refuses a private address unless the caller allows it', async () => {
    await expect(http.request(`${base}/x`)).rejects.toThrow(/http: refused 127\.0\.0\.1:\d+: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a private/);
    expect(hits['/x']).toBeUndefined();
    expect((await http.request(`${base}/x`, { allowPrivate: true })).json()).toEqual({ status: 200, path: '/x' });
  });

  it('retries a 503 and answers with the success', async () => {
    script['/flaky'] = [503, 503];
    const res = await http.request(`${base}/flaky`, { allowPrivate: true, retries: 2 });
    expect(res).toMatchObject({ status: 200, ok: true });
    expect(hits['/flaky']).toBe(3);
  });

  it('gives the last answer when retries run out, and does not retry a 4xx', async () => {
    script['/down'] = [503, 503, 503];
    expect(await http.request(`${base}/down`, { allowPrivate: true, retries: 1 })).toMatchObject({ status: 503, ok: false });
    expect(hits['/down']).toBe(2);
    script['/bad'] = [400];
    expect(await http.request(`${base}/bad`, { allowPrivate: true })).toMatchObject({ status: 400, ok: false });
    expect(hits['/bad']).toBe(1);
  });

  it('gives up on a server that never answers, naming host and attempts', async () => {
    await expect(http.request(`${base}/hang`, { allowPrivate: true, timeoutMs: 50, retries: 1 })).rejects.toThrow(/http: GET 127\.0\.0\.1:\d+ failed after 2 attempt\(s\)/);
    expect(hits['/hang']).toBe(2);
  });

  it('names the fix for a URL that is not absolute', async () => {
    await expect(http.request('/relative')).rejects.toThrow('http: "/relative" is not an absolute URL; write it as https://host/path');
  });
});
