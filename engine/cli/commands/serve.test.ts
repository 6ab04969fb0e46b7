import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../../../bin/foresight.js');
const dir = mkdtempSync(path.join(tmpdir(), 'foresight-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('foresight serve', () => {
  it('logs JSON, prints a one-time setup link, serves it, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', path.join(dir, 's.db')], { env: { ...process.env, FORESIGHT_ADMIN_EMAIL: '', FORESIGHT_ADMIN_PASSWORD: '' } });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const setup = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no setup link in:\n${out}`)), 45_000);
      child.stdout.on('data', () => {
        const m = /(http:\/\/\S+\/setup\?token=\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const page = await fetch(setup);
    expect(await page.text()).toContain('Create the first admin');
    expect((await fetch(new URL('/healthz', setup))).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const listening = out.split('\n').map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg: string; port?: number; level: number }) : null)).find((l) => l?.msg.startsWith('foresight listening'));
    // Read after exit: pino's stdout writes may trail the console line.
    expect(listening, out).toMatchObject({ level: 30, port: expect.any(Number) });
    // The address really bound (every interface by default), not "localhost", and the URL to open here.
    expect(listening!.msg).toMatch(/^foresight listening on 0\.0\.0\.0:\d+ \(every IPv4 interface\); open http:\/\/localhost:\d+$/);
    expect(out).toContain('"msg":"foresight stopped"');
  });
});
