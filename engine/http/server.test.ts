import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server.ts';

let s: TestServer;
let h: Record<string, string>;
beforeAll(async () => {
  s = await startTestServer({ limits: { uploadBytes: 4096 } });
  h = await s.key('admin');
});
afterAll(() => s.close());

describe('OpenAPI and docs', () => {
  it('documents every route, with request schemas generated from the validating zod schemas', async () => {
    const res = await s.call('GET', '/api/openapi.json', { headers: await s.key('track') });
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const registered = s.running.routes.routes.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual(registered.sort());
    const track = doc.paths['/api/track'].post.requestBody.content['application/json'].schema;
    expect(track.required).toEqual(expect.arrayContaining(['customerId', 'type']));
    expect(track.properties.type.pattern).toBeDefined();
    const batch = doc.paths['/api/batch'].post.requestBody.content['application/json'].schema;
    expect(batch.properties.batch.maxItems).toBe(10_000);
    expect(JSON.stringify(batch.properties.batch.items)).toContain('"order"');
    expect(doc.paths['/api/customers'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['search', 'limit', 'offset']));
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc.paths['/api/batch'].post.responses['200'].content['application/json'].schema.properties.rejected.items.required).toEqual(['index', 'field', 'reason']);
  });

  it('serves a readable API page', async () => {
    const res = await s.call('GET', '/api/docs', { headers: h });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.body).toContain('POST /api/batch');
    expect(res.body).toContain('/api/openapi.json');
  });
});

describe('operations', () => {
  it('healthz is public; metrics need an admin and speak Prometheus text', async () => {
    expect((await s.call('GET', '/healthz')).body).toEqual({ ok: true });
    expect((await s.call('GET', '/metrics')).status).toBe(401);
    await s.call('POST', '/api/track', { json: { customerId: 'm', type: 'x' }, headers: h });
    const res = await s.call('GET', '/metrics', { headers: h });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(res.body).toMatch(/^foresight_ingested_total\{kind="track",outcome="accepted"\} 1$/m);
    expect(res.body).toMatch(/^foresight_events_backlog 1$/m);
    for (const name of ['foresight_runs_due', 'foresight_runs_advanced_total', 'foresight_sends_total', 'foresight_send_failures_total', 'foresight_scheduler_lag_seconds', 'foresight_http_requests_total']) expect(res.body).toContain(`# TYPE ${name}`);
  });

  it('answers JSON errors for unknown API routes', async () => {
    const res = await s.call('GET', '/api/nope', { headers: h });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('CSV upload', () => {
  it('imports the good rows of an uploaded CSV and reports each bad one', async () => {
    const csv = 'customer_id,order_id,ordered_at,amount\nu1,x1,2024-01-01,10\nu1,x2,not a date,5\nu2,x3,2024-01-03,-4\nu2,x4,2024-01-04,7\n';
    const res = await s.call('POST', '/api/import/orders', { body: csv, headers: { ...h, 'content-type': 'text/csv' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'orders', rows: 4, imported: 2, duplicates: 0 });
    expect(res.body.rejected.map((r: { line: number; field: string }) => [r.line, r.field])).toEqual([
      [3, 'ordered_at'],
      [4, 'amount'],
    ]);
    const again = await s.call('POST', '/api/import/orders', { body: csv, headers: { ...h, 'content-type': 'text/csv' } });
    expect(again.body).toMatchObject({ imported: 0, duplicates: 2 });
  });

  it('refuses a CSV with an unclosed quote whole, naming the line and column, before writing any row', async () => {
    const good = Array.from({ length: 150 }, (_, i) => `q${i},q${i}@x.example`).join('\n');
    const csv = `customer_id,email\n${good}\nq-broken,"broken@example.com\nq-after,after@example.com\n`;
    const res = await s.call('POST', '/api/import/customers', { body: csv, headers: { ...h, 'content-type': 'text/csv' } });
    expect([res.status, res.body.error.code, res.body.error.field]).toEqual([400, 'invalid_csv', 'email']);
    expect(res.body.error.message).toMatch(/^upload:152: email: a quoted value opened in this record is never closed/);
    expect(res.body.error.message).toContain('no row of it was imported');
    expect(await s.storage.customers.byExternalId('q0')).toBeNull();
  });

  it('refuses unknown kinds, non-CSV bodies and oversized uploads', async () => {
    expect((await s.call('POST', '/api/import/products', { body: 'a\n', headers: { ...h, 'content-type': 'text/csv' } })).body.error.field).toBe('kind');
    expect((await s.call('POST', '/api/import/orders', { json: { a: 1 }, headers: h })).status).toBe(415);
    const big = `customer_id,order_id,ordered_at,amount\n${'big,o,2024-01-01,1\n'.repeat(400)}`;
    const res = await s.call('POST', '/api/import/orders', { body: big, headers: { ...h, 'content-type': 'text/csv' } }).catch(() => null);
    // The server may close the connection mid-upload; either way nothing was imported.
    if (res) expect(res.status).toBe(413);
    expect(await s.storage.customers.byExternalId('big')).toBeNull();
  });
});

describe('builder and shutdown', () => {
  it('serves the built builder with an SPA fallback, keeps /api JSON, and stops gracefully', async () => {
    const dist = path.join(s.dir, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root">builder</div>');
    writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
    const t = await startTestServer({ builderDir: dist });
    try {
      const root = await t.call('GET', '/');
      expect(root.body).toContain('builder');
      expect((await t.call('GET', '/journeys/abc')).body).toContain('id="root"');
      expect((await t.call('GET', '/assets/app.js')).body).toBe('console.log(1)');
      // An unknown API path stays a JSON 404, never the builder's HTML.
      expect((await t.call('GET', '/api/nope')).body.error.code).toBe('not_found');
    } finally {
      await t.close();
    }
    await expect(fetch(`${t.base}/healthz`)).rejects.toThrow();
  });

  it('answers / with a page that says how to build the builder when builder/dist is missing', async () => {
    const t = await startTestServer({ builderDir: path.join(s.dir, 'never-built') });
    try {
      const root = await fetch(`${t.base}/`);
      expect(root.headers.get('content-type')).toMatch(/^text\/html/);
      const page = await root.text();
      expect(page).toContain('npm run build');
      expect(page).not.toContain('no route');
      // The API is unaffected.
      expect((await t.call('GET', '/api/nope')).body.error.code).toBe('not_found');
    } finally {
      await t.close();
    }
  });
});
