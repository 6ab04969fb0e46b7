import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/foresight.js');
const dir = mkdtempSync(path.join(tmpdir(), 'foresight-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

describe('foresight journey validate', () => {
  it('prints every problem with node and field, and exits 1', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ id: 'j', name: 'J', nodes: [{ id: 'w', type: 'wait.delay', config: { duration: 'soon' } }, { id: 'z', type: 'no.such' }], edges: [] }));
    const r = await cli(['journey', 'validate', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.startsWith('node w, field duration:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('node z, field type:'))).toBe(true);
  });

  it('does not stop at a settings error: settings and nodes are reported together', async () => {
    const file = path.join(dir, 'bad-settings.json');
    const nodes = [
      { id: 't', type: 'trigger.event', config: { event: 'signup' } },
      { id: 'w', type: 'wait.delay', config: { duration: 'three days' } },
    ];
    writeFileSync(file, JSON.stringify({ id: 'j', name: 'J', settings: { reentry: 'after', goal: { event: 'purchase', within: 'a week' } }, nodes, edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'w' }] }));
    const r = await cli(['journey', 'validate', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['settings.goal.within', 'settings.reentryAfter', 'node w, field duration']);
    // Each field is named once, not "field settings.reentryAfter: settings.reentryAfter: …".
    expect(lines[1]).toBe('settings.reentryAfter: re-entry "after" needs a duration, e.g. "30d"');
  });

  it('warns on stderr of a branch the goal always takes first, and still says "valid"', async () => {
    const file = path.join(dir, 'preempted.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'j',
        name: 'J',
        settings: { goal: { event: 'purchase', within: '3d' } },
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'cart_add' } },
          { id: 'w', type: 'wait.event', config: { event: 'purchase', timeout: '4h' } },
          { id: 'bought', type: 'flow.exit', config: {} },
          { id: 'remind', type: 'flow.exit', config: {} },
        ],
        edges: [
          { id: 'e1', source: 't', sourceHandle: 'next', target: 'w' },
          { id: 'e2', source: 'w', sourceHandle: 'event', target: 'bought' },
          { id: 'e3', source: 'w', sourceHandle: 'timeout', target: 'remind' },
        ],
      }),
    );
    const r = await cli(['journey', 'validate', file]);
    expect(r).toMatchObject({ code: 0, stdout: 'valid\n' });
    expect(r.stderr).toMatch(/^warning: node w, field event: node "w": port "event" is never taken: the goal \(purchase within 3d\) converts the run first/);
  });

  it('says "valid" and exits 0 for a good journey; --json prints the problems array', async () => {
    const file = path.join(dir, 'good.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'j',
        name: 'J',
        nodes: [
          { id: 't', type: 'trigger.event', config: { event: 'signup' } },
          { id: 'x', type: 'flow.exit', config: {} },
        ],
        edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'x' }],
      }),
    );
    const r = await cli(['journey', 'validate', file]);
    expect(r).toMatchObject({ code: 0, stdout: 'valid\n' });
    const j = await cli(['journey', 'validate', '--json', file]);
    expect(JSON.parse(j.stdout)).toEqual([]);
  });

  it('fails with one line and exit 2 on a missing file or unknown command', async () => {
    const r = await cli(['journey', 'validate', path.join(dir, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect((await cli(['bogus'])).code).toBe(2);
    expect((await cli(['simulate', '--help'])).code).toBe(0);
  });
});

describe('config', () => {
  it('applies defaults and lets flags override env', () => {
    expect(loadConfig({})).toMatchObject({ db: './foresight.db', port: 4000, apiKey: undefined, plugins: [], adminEmail: undefined, adminPassword: undefined, logLevel: 'info', secureCookies: false, trustProxy: false });
    expect(loadConfig({ PORT: '5000', FORESIGHT_PLUGINS: './a.ts, pkg' }, { port: '6000' })).toMatchObject({ port: 6000, plugins: ['./a.ts', 'pkg'] });
  });

  it('names the variable and the fix for invalid values', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/^PORT="abc": .*; set it to a TCP port/);
    expect(() => loadConfig({ FORESIGHT_API_KEY: 'short' })).toThrow(/^FORESIGHT_API_KEY=.*at least 16/);
    expect(() => loadConfig({}, { port: '70000' })).toThrow(/^--port=/);
    expect(() => loadConfig({ FORESIGHT_ADMIN_EMAIL: 'admin' })).toThrow(/^FORESIGHT_ADMIN_EMAIL="admin": must be an email address/);
    expect(() => loadConfig({ FORESIGHT_LOG_LEVEL: 'loud' })).toThrow(/^FORESIGHT_LOG_LEVEL=/);
    expect(loadConfig({ FORESIGHT_TRUST_PROXY: '1', FORESIGHT_SECURE_COOKIES: 'true' })).toMatchObject({ trustProxy: 1, secureCookies: true });
  });

  it('reads the per-customer send rate limit, 20 per hour by default', () => {
    expect(loadConfig({}).messaging.sendRate).toEqual({ max: 20, window: '1h' });
    expect(loadConfig({ FORESIGHT_SEND_RATE_MAX: '5', FORESIGHT_SEND_RATE_WINDOW: '10m' }).messaging.sendRate).toEqual({ max: 5, window: '10m' });
    expect(() => loadConfig({ FORESIGHT_SEND_RATE_MAX: '0' })).toThrow(/^FORESIGHT_SEND_RATE_MAX="0": must be at least 1; set it to the most emails/);
    expect(() => loadConfig({ FORESIGHT_SEND_RATE_WINDOW: 'often' })).toThrow(/^FORESIGHT_SEND_RATE_WINDOW="often": must be a duration; write a number and a unit/);
  });
});
