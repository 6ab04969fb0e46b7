import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from './test-server.ts';

/** Routes anyone may call: health, sign-in and first-admin setup. The /t tracking links are public by design. */
const PUBLIC = new Set(['GET /healthz', 'POST /api/auth/login', 'GET /api/auth/setup', 'POST /api/auth/setup']);
/** CORS preflights of the browser-callable tracking routes: they answer headers only, never data. */
const PREFLIGHTS = new Set(['/api/identify', '/api/track', '/api/orders', '/api/batch'].map((p) => `OPTIONS ${p}`));

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  name?: string;
}

/** Every route express will actually dispatch, found by walking the router stack (not the route table). */
function walk(stack: Layer[]): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  for (const layer of stack) {
    if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push({ method: m.toUpperCase(), path: layer.route.path });
    // Nested routers: the API router, and the /t tracking router (its paths do not start with /api: public by contract).
    else if (layer.handle?.stack && layer.name === 'router') out.push(...walk(layer.handle.stack));
  }
  return out;
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ limits: { loginPer15Minutes: 3 } });
});
afterAll(() => s.close());

describe('authentication', () => {
  it('refuses every non-public route without credentials, and with a wrong key', async () => {
    const app = s.running.app as unknown as { router: { stack: Layer[] } };
    const routes = walk(app.router.stack).filter((r) => r.path.startsWith('/api') || r.path === '/metrics' || r.path === '/healthz');
    // The walk must see what the table registered, or this test proves nothing.
    expect(routes.length).toBe(s.running.routes.routes.length + PREFLIGHTS.size);
    expect(routes.length).toBeGreaterThan(40);
    const guarded = routes.filter((r) => !PUBLIC.has(`${r.method} ${r.path}`) && !PREFLIGHTS.has(`${r.method} ${r.path}`));
    for (const r of guarded) {
      const url = r.path.replace(/:([A-Za-z]+)/g, 'x');
      for (const headers of [{}, { authorization: 'Bearer fsk_not-a-real-key' }, { cookie: 'foresight_session=forged' }] as Record<string, string>[]) {
        const res = await s.call(r.method, url, { headers });
        expect([r.method, r.path, res.status, res.body?.error?.code]).toEqual([r.method, r.path, 401, 'unauthorized']);
        expect(res.body.error.field).toBe('authorization');
      }
    }
  });

  it('a track-scoped key is refused by every route that is not for ingestion', async () => {
    const track = await s.key('track');
    const forIngest = new Set(s.running.routes.routes.filter((r) => r.access === 'ingest' || r.access === 'public').map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const app = s.running.app as unknown as { router: { stack: Layer[] } };
    const others = walk(app.router.stack).filter((r) => (r.path.startsWith('/api') || r.path === '/metrics') && r.method !== 'OPTIONS' && !forIngest.has(`${r.method} ${r.path}`));
    expect(others.length).toBeGreaterThan(30);
    for (const r of others) {
      const res = await s.call(r.method, r.path.replace(/:([A-Za-z]+)/g, 'x'), { headers: track });
      expect([r.method, r.path, res.status, res.body?.error?.code]).toEqual([r.method, r.path, 403, 'forbidden']);
    }
  });

  it('signs in with an HttpOnly SameSite=Strict cookie and demands the CSRF token on writes', async () => {
    const res = await fetch(`${s.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/foresight_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    // Lifetime from the server's clock, not a date the browser compares with its own clock.
    expect(setCookie).toMatch(/Max-Age=\d+/);
    const body = (await res.json()) as { user: { email: string; role: string }; csrfToken: string };
    expect(body.user).toEqual({ email: ADMIN.email, role: 'admin' });
    const cookie = setCookie.split(';')[0]!;

    expect((await s.call('GET', '/api/auth/me', { headers: { cookie } })).body).toEqual({ user: body.user, csrfToken: body.csrfToken });
    const noCsrf = await s.call('POST', '/api/journeys', { json: { name: 'A' }, headers: { cookie } });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error).toMatchObject({ code: 'csrf', field: 'x-csrf-token' });
    const wrongCsrf = await s.call('POST', '/api/journeys', { json: { name: 'A' }, headers: { cookie, 'x-csrf-token': 'nope' } });
    expect(wrongCsrf.status).toBe(403);
    expect(await s.storage.journeys.list()).toEqual([]);
    const ok = await s.call('POST', '/api/journeys', { json: { name: 'A' }, headers: { cookie, 'x-csrf-token': body.csrfToken } });
    expect(ok.status).toBe(201);

    const out = await s.call('POST', '/api/auth/logout', { headers: { cookie, 'x-csrf-token': body.csrfToken } });
    expect(out.status).toBe(200);
    expect((await s.call('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(401);
  });

  it('a track-scoped key can ingest but cannot read customers or manage anything', async () => {
    const track = await s.key('track');
    expect((await s.call('POST', '/api/track', { json: { customerId: 'c1', type: 'page_view' }, headers: track })).status).toBe(202);
    for (const [method, url] of [['GET', '/api/customers'], ['GET', '/api/customers/c1'], ['GET', '/api/customers/c1/export'], ['GET', '/api/journeys'], ['POST', '/api/keys'], ['GET', '/metrics']] as const) {
      const res = await s.call(method, url, { headers: track, json: method === 'POST' ? { name: 'x', scope: 'admin' } : undefined });
      expect([url, res.status, res.body.error?.code]).toEqual([url, 403, 'forbidden']);
    }
    const admin = await s.key('admin');
    const list = await s.call('GET', '/api/customers', { headers: admin });
    expect(list.status).toBe(200);
    expect(list.body.customers.map((c: { id: string }) => c.id)).toEqual(['c1']);
  });

  it('lets any web page send tracking with a key (CORS without credentials), and only tracking', async () => {
    const pre = await fetch(`${s.base}/api/track`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await s.call('POST', '/api/track', { json: { customerId: 'web', type: 'page_view' }, headers: { ...(await s.key('track')), origin: 'https://shop.example' } });
    expect([post.status, post.headers.get('access-control-allow-origin')]).toEqual([202, '*']);
    const other = await fetch(`${s.base}/api/customers`, { method: 'OPTIONS', headers: { origin: 'https://shop.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('creates keys shown once, lists them without secrets, and revokes them', async () => {
    const admin = await s.login();
    const created = await s.call('POST', '/api/keys', { json: { name: 'shop', scope: 'track' }, headers: admin });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^fsk_/);
    const list = await s.call('GET', '/api/keys', { headers: admin });
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.keys.find((k: { id: number }) => k.id === created.body.apiKey.id)).toMatchObject({ name: 'shop', scope: 'track', revokedAt: null });
    expect((await s.call('POST', '/api/track', { json: { customerId: 'c2', type: 'x' }, headers: { authorization: `Bearer ${key}` } })).status).toBe(202);
    expect((await s.call('DELETE', `/api/keys/${created.body.apiKey.id}`, { headers: admin })).status).toBe(200);
    const after = await s.call('POST', '/api/track', { json: { customerId: 'c2', type: 'x' }, headers: { authorization: `Bearer ${key}` } });
    expect(after.status).toBe(401);
    expect((await s.call('DELETE', `/api/keys/${created.body.apiKey.id}`, { headers: admin })).status).toBe(404);
    for (const id of ['abc', '-1', '1.5', '0']) {
      const bad = await s.call('DELETE', `/api/keys/${id}`, { headers: admin });
      expect([bad.status, bad.body.error.field]).toEqual([400, 'id']);
      expect(bad.body.error.message).toContain(`"${id}" is not an API key id`);
      expect(bad.body.error.message).not.toContain('-1 does not exist');
    }
    expect((await s.call('POST', '/api/keys', { json: { name: 'x', scope: 'root' }, headers: admin })).body.error).toMatchObject({ code: 'invalid_input', field: 'body.scope' });
  });

  it('an editor can build journeys but not manage keys or users', async () => {
    const admin = await s.login();
    const created = await s.call('POST', '/api/users', { json: { email: 'ed@example.com', password: 'another long password', role: 'editor' }, headers: admin });
    expect(created.status).toBe(201);
    expect((await s.call('POST', '/api/users', { json: { email: 'ed@example.com', password: 'another long password' }, headers: admin })).status).toBe(409);
    expect((await s.call('POST', '/api/users', { json: { email: 'x@example.com', password: 'short' }, headers: admin })).body.error.field).toBe('password');
    const editor = await s.login('ed@example.com', 'another long password');
    expect((await s.call('GET', '/api/journeys', { headers: editor })).status).toBe(200);
    expect((await s.call('GET', '/api/keys', { headers: editor })).status).toBe(403);
    expect((await s.call('POST', '/api/users', { json: { email: 'y@example.com', password: 'long enough pw' }, headers: editor })).status).toBe(403);
  });

  it('only an admin may lower the webhook address guard of a node; an editor may keep an admin\'s node as it is', async () => {
    const admin = await s.login();
    await s.call('POST', '/api/users', { json: { email: 'ed2@example.com', password: 'another long password', role: 'editor' }, headers: admin });
    const editor = await s.login('ed2@example.com', 'another long password');
    const graph = (webhook: Record<string, unknown>, extra = 'a') => ({
      nodes: [
        { id: 't', type: 'trigger.event', config: { event: `signup_${extra}` } },
        { id: 'w', type: 'action.webhook', config: { url: 'http://10.0.0.5/hook', ...webhook } },
        { id: 'x', type: 'flow.exit', config: { reason: 'done' } },
      ],
      edges: [
        { id: 'e1', source: 't', sourceHandle: 'next', target: 'w' },
        { id: 'e2', source: 'w', sourceHandle: 'next', target: 'x' },
      ],
    });
    const created = await s.call('POST', '/api/journeys', { json: { name: 'Hooks', graph: graph({}) }, headers: editor });
    expect(created.status).toBe(201);
    const id = created.body.journey.id;
    const byEditor = await s.call('PUT', `/api/journeys/${id}/draft`, { json: { graph: graph({ allowPrivate: true }) }, headers: editor });
    expect([byEditor.status, byEditor.body.error.code, byEditor.body.problems[0].nodeId, byEditor.body.problems[0].field]).toEqual([403, 'forbidden', 'w', 'allowPrivate']);
    expect((await s.call('POST', '/api/journeys', { json: { name: 'Sneaky', graph: graph({ allowPrivate: true }) }, headers: editor })).status).toBe(403);
    expect((await s.call('GET', `/api/journeys/${id}`, { headers: editor })).body.journey.draft.nodes[1].config.allowPrivate).toBeUndefined();
    // An admin turns it on and publishes; the editor may then edit other nodes, but not point the hook elsewhere.
    expect((await s.call('PUT', `/api/journeys/${id}/draft`, { json: { graph: graph({ allowPrivate: true }) }, headers: admin })).status).toBe(200);
    expect((await s.call('POST', `/api/journeys/${id}/publish`, { headers: editor })).status).toBe(403);
    expect((await s.call('POST', `/api/journeys/${id}/publish`, { headers: admin })).status).toBe(200);
    expect((await s.call('PUT', `/api/journeys/${id}/draft`, { json: { graph: graph({ allowPrivate: true }, 'b') }, headers: editor })).status).toBe(200);
    expect((await s.call('POST', `/api/journeys/${id}/publish`, { headers: editor })).status).toBe(200);
    const moved = await s.call('PUT', `/api/journeys/${id}/draft`, { json: { graph: graph({ allowPrivate: true, url: 'http://169.254.169.254/latest' }, 'b') }, headers: editor });
    expect(moved.status).toBe(403);
  });

  it('rejects wrong passwords alike for unknown users', async () => {
    const wrong = await s.call('POST', '/api/auth/login', { json: { email: ADMIN.email, password: 'wrong password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const unknown = await s.call('POST', '/api/auth/login', { json: { email: 'nobody@example.com', password: 'wrong password' } });
    expect(unknown.body.error).toEqual(wrong.body.error);
  });
});

describe('sign-in limits', () => {
  it('locks one account per IP after its failures without locking others out, and caps failures per IP over all accounts', async () => {
    const t = await startTestServer({ limits: { loginPer15Minutes: 3, loginPerIpPer15Minutes: 8 } });
    try {
      const admin = await t.login();
      await t.call('POST', '/api/users', { json: { email: 'colleague@example.com', password: 'colleague password', role: 'editor' }, headers: admin });
      const attempt = (email: string, password: string) => t.call('POST', '/api/auth/login', { json: { email, password } });
      for (let i = 0; i < 3; i++) expect((await attempt(ADMIN.email, `guess ${i}`)).status).toBe(401);
      const locked = await attempt(ADMIN.email, ADMIN.password);
      expect([locked.status, locked.body.error.code]).toEqual([429, 'rate_limited']);
      expect(locked.body.error.message).toMatch(/this account/);
      // Same IP, another account: the right password still works.
      expect((await attempt('COLLEAGUE@example.com', 'colleague password')).status).toBe(200);
      // Guessing across accounts hits the per-IP ceiling (3 + 1 refused + 4 = 8 failed), and then everyone from the IP waits.
      for (let i = 0; i < 4; i++) expect((await attempt(`user${i}@example.com`, 'guess')).status).toBe(401);
      const ceiling = await attempt('colleague@example.com', 'colleague password');
      expect([ceiling.status, ceiling.body.error.message]).toEqual([429, expect.stringMatching(/from this address/)]);
    } finally {
      await t.close();
    }
  });
});

describe('first admin', () => {
  it('without env credentials, a one-time setup link creates the first admin', async () => {
    const t = await startTestServer({ admin: false });
    try {
      expect(t.running.setupUrl).toMatch(/\/setup\?token=/);
      const token = new URL(t.running.setupUrl!).searchParams.get('token')!;
      expect((await t.call('GET', '/api/auth/setup')).body).toEqual({ pending: true });
      const bad = await t.call('POST', '/api/auth/setup', { json: { token: 'guess', email: 'me@example.com', password: 'a long password' } });
      expect(bad.status).toBe(403);
      const ok = await t.call('POST', '/api/auth/setup', { json: { token, email: 'me@example.com', password: 'a long password' } });
      expect(ok.status).toBe(200);
      expect(ok.body.user).toEqual({ email: 'me@example.com', role: 'admin' });
      const again = await t.call('POST', '/api/auth/setup', { json: { token, email: 'evil@example.com', password: 'a long password' } });
      expect(again.status).toBe(403);
      expect(await t.storage.auth.countUsers()).toBe(1);
    } finally {
      await t.close();
    }
  });
});
