import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../config.ts';
import { VirtualClock, type Clock } from '../core/clock.ts';
import { AuthService } from '../auth/service.ts';
import type { ApiLimits } from './context.ts';
import { startTestSmtp, type TestSmtp } from '../messaging/test-smtp.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import { startServer, type RunningServer } from '../server.ts';
import { openSqlite, type SqliteStorage } from '../storage/sqlite/index.ts';

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };

export interface TestServer {
  running: RunningServer;
  base: string;
  storage: SqliteStorage;
  clock: VirtualClock;
  dir: string;
  /** fetch against the server; `json` bodies are sent as application/json. */
  call(method: string, url: string, opts?: { json?: unknown; body?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** A signed-in admin: cookie + CSRF headers for `call`. */
  login(email?: string, password?: string): Promise<Record<string, string>>;
  /** A new API key's Authorization header. */
  key(scope: 'track' | 'admin'): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * A real server on an ephemeral port over a real SQLite temp file, with a
 * virtual clock, the engine loop off (tests drive it) and silent logs.
 */
export async function startTestServer(
  opts: { admin?: boolean; limits?: Partial<ApiLimits>; builderDir?: string; start?: string; env?: Record<string, string>; logger?: Logger; realClock?: Clock; registry?: NodeRegistry } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-api-'));
  const storage = openSqlite(path.join(dir, 'api.db'));
  const clock = new VirtualClock(opts.start ?? '2024-03-01T00:00:00Z');
  const env = opts.admin === false ? {} : { FORESIGHT_ADMIN_EMAIL: ADMIN.email, FORESIGHT_ADMIN_PASSWORD: ADMIN.password };
  const config = loadConfig({ ...env, PORT: '0', FORESIGHT_LOG_LEVEL: 'silent', ...opts.env });
  const running = await startServer({ config, storage, clock, realClock: opts.realClock ?? clock, host: '127.0.0.1', logger: opts.logger ?? pino({ level: 'silent' }), builderDir: opts.builderDir ?? null, scheduler: false, limits: opts.limits, registry: opts.registry });
  const base = running.url;
  const call: TestServer['call'] = async (method, url, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    let body = o.body;
    if (o.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(o.json);
    }
    const res = await fetch(base + url, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };
  return {
    running,
    base,
    storage,
    clock,
    dir,
    call,
    async login(email = ADMIN.email, password = ADMIN.password) {
      const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      return { cookie, 'x-csrf-token': csrfToken };
    },
    async key(scope) {
      const { key } = await new AuthService(storage, clock).createApiKey(`test ${scope}`, scope);
      return { authorization: `Bearer ${key}` };
    },
    async close() {
      await running.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port free right now: the public URL in mail links must be known before the server starts. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A test server whose email goes to a real SMTP sink on 127.0.0.1, with tracking links that reach the server. */
export async function startMailTestServer(env: Record<string, string> = {}): Promise<{ server: TestServer; smtp: TestSmtp }> {
  const smtp = await startTestSmtp();
  const port = await freePort();
  const server = await startTestServer({
    env: { PORT: String(port), FORESIGHT_SMTP_URL: smtp.url, FORESIGHT_MAIL_FROM: 'Shop <news@shop.example>', FORESIGHT_PUBLIC_URL: `http://127.0.0.1:${port}`, FORESIGHT_SECRET: 'server-test-secret-0123456789abcdef-xyz', ...env },
  });
  return { server, smtp };
}
