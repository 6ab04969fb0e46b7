import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../core/clock.ts';
import { assertNoRejections, trackEvents } from '../../ingest/ingest.ts';
import { JourneyService } from '../../journeys.ts';
import { NodeRegistry } from '../../plugin/registry.ts';
import { openSqlite } from '../../storage/sqlite/index.ts';
import { builtinRegistry } from '../../../nodes/index.ts';

const bin = path.resolve(import.meta.dirname, '../../../bin/foresight.js');
const dir = mkdtempSync(path.join(tmpdir(), 'foresight-faulty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A plugin package whose condition never answers: loaded by `serve` from a file, as an operator would. */
const PLUGIN = `export default {
  name: 'hang-plugin',
  nodes: [{ type: 'acme.hang', version: 1, label: 'Hang', category: 'condition', description: 'Never answers.',
    fields: [], ports: ['next'], timeoutMs: 300, run: () => new Promise(() => {}) }],
};
`;

const journey = (id: string, type: string) => ({
  id,
  name: id,
  settings: { reentry: 'once' },
  nodes: [
    { id: 'start', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'x', type, config: type === 'flow.exit' ? { reason: 'done' } : {} },
  ],
  edges: [{ id: 'e1', source: 'start', sourceHandle: 'next', target: 'x' }],
});

describe('foresight serve with a plugin that never answers', () => {
  it('enrols every other journey within seconds, fails the hanging runs naming the plugin, and stops on SIGTERM', async () => {
    const pluginFile = path.join(dir, 'hang-plugin.mjs');
    writeFileSync(pluginFile, PLUGIN);
    const db = path.join(dir, 'f.db');
    const setup = openSqlite(db);
    const registry: NodeRegistry = builtinRegistry();
    await registry.load(pluginFile);
    const journeys = new JourneyService(setup, registry, new SystemClock());
    await journeys.deploy(journey('hangs', 'acme.hang'));
    await journeys.deploy(journey('welcome', 'flow.exit'));

    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', db], { env: { ...process.env, FORESIGHT_ADMIN_EMAIL: '', FORESIGHT_ADMIN_PASSWORD: '', FORESIGHT_PLUGINS: pluginFile } });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!out.includes('foresight listening')) {
      if (child.exitCode !== null) throw new Error(out);
      await sleep(50);
    }

    const customers = Array.from({ length: 40 }, (_, i) => `c${i}`);
    assertNoRejections(await trackEvents(setup, new SystemClock(), customers.map((customerId) => ({ customerId, type: 'signup' }))));
    const count = (journeyId: string, status: string) =>
      setup.raw.prepare('SELECT COUNT(*) FROM runs WHERE journey_id = ? AND status = ?').pluck().get(journeyId, status) as number;
    for (let i = 0; i < 300 && count('welcome', 'completed') < customers.length; i++) await sleep(50);
    expect(count('welcome', 'completed')).toBe(customers.length);

    child.kill('SIGTERM');
    expect(await exited, out).toBe(0);
    const errors = setup.raw.prepare(`SELECT DISTINCT error FROM runs WHERE journey_id = 'hangs'`).pluck().all();
    expect(errors).toEqual(['node "x" (acme.hang, plugin hang-plugin) run did not finish within 300 ms']);
    await setup.close();
  }, 60_000);
});
