import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../../..');
const cli = path.join(repo, 'bin/foresight.js');
const foresight = (args: string[], cwd: string) => run(process.execPath, [cli, ...args], { cwd }).then(
  ({ stdout }) => ({ code: 0, stdout }),
  (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout + err.stderr }),
);
// Outside the repository, so nothing resolves through it by accident.
const dir = mkdtempSync(path.join(tmpdir(), 'foresight-plugin-new-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('foresight plugin', () => {
  it('new: scaffolds a package that passes its own test from a clean directory, using only foresight/plugin and foresight/testing', async () => {
    expect(await foresight(['plugin', 'new', 'sms'], dir)).toMatchObject({ code: 0, stdout: expect.stringContaining('created') });
    const pkg = path.join(dir, 'sms');
    expect(readdirSync(pkg).sort()).toEqual(['README.md', 'index.test.ts', 'index.ts', 'package.json', 'tsconfig.json']);
    // What `npm install` of a file: dependency does: foresight (this repository), vitest, typescript and @types/node in node_modules.
    mkdirSync(path.join(pkg, 'node_modules/@types'), { recursive: true });
    symlinkSync(repo, path.join(pkg, 'node_modules/foresight'));
    for (const dep of ['vitest', 'typescript', '@types/node']) symlinkSync(path.join(repo, 'node_modules', dep), path.join(pkg, 'node_modules', dep));
    const test = await run(process.execPath, [path.join(repo, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: pkg, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
    expect(test.stdout).toMatch(/Tests\s+1 passed/);
    expect(test.code).toBe(0);
    expect(await foresight(['plugin', 'check', './index.ts'], pkg)).toEqual({ code: 0, stdout: 'ok: plugin foresight-node-sms: nodes sms.message; effects sms\n' });

    // Type-checking the plugin reads foresight's bundled declarations (built by `npm run build:types`), not the engine's sources.
    expect(existsSync(path.join(repo, 'dist/types/plugin.d.ts')), 'dist/types is missing: run npm run build:types').toBe(true);
    const tsc = await run(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '--noEmit', '--listFiles'], { cwd: pkg }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
    expect(tsc.code, tsc.stdout).toBe(0);
    const fromForesight = tsc.stdout.split('\n').filter((f) => f.startsWith(`${repo}/`) && !f.includes('/node_modules/'));
    expect(fromForesight.map((f) => path.relative(repo, f)).sort()).toEqual(['dist/types/plugin.d.ts', 'dist/types/testing.d.ts']);
  });

  it('new: refuses a name that cannot become a node type, and an existing folder', async () => {
    expect(await foresight(['plugin', 'new', 'My SMS'], dir)).toMatchObject({ code: 2, stdout: expect.stringContaining('"My SMS" is not a usable name; use lower-case words joined by hyphens') });
    mkdirSync(path.join(dir, 'taken'));
    writeFileSync(path.join(dir, 'taken/x'), '');
    expect(await foresight(['plugin', 'new', 'taken'], dir)).toMatchObject({ code: 2, stdout: expect.stringContaining('exists and is not empty') });
  });

  it('check: reports every contract problem naming plugin, node type and field, and exits 1', async () => {
    writeFileSync(
      path.join(dir, 'bad.mjs'),
      `export default { name: 'bad', nodes: [{ type: 'bad.node', version: 1, label: 'Bad', category: 'action', description: '', ports: 'next', run: () => ({ next: 'next' }),
         fields: [{ key: 'tone', label: 'Tone', kind: 'select', options: [] }] }], effects: { email: async () => ({ status: 'sent' }) } };`,
    );
    const r = await foresight(['plugin', 'check', './bad.mjs'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('plugin bad, node bad.node, field "tone" (options): a select needs at least one option');
    expect(r.stdout).toContain('plugin bad, node bad.node, ports: must be an array of port names');
  });
});
