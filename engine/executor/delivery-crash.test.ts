import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { VirtualClock } from '../core/clock.ts';
import { assertNoRejections, identifyCustomers, trackEvents } from '../ingest/ingest.ts';
import { JourneyService } from '../journeys.ts';
import { startTestSmtp, type TestSmtp } from '../messaging/test-smtp.ts';
import { openSqlite } from '../storage/sqlite/index.ts';
import { mailJourney } from '../testing/mail-world.ts';
import { Engine } from './engine.ts';

const WORKER = fileURLToPath(new URL('../testing/delivery-crash-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAILS = 300;
const LANES = 8;
const START = Date.parse('2024-03-01T09:00:00Z');

/** Runs the delivery worker; SIGKILLs it once the sink has accepted `killAfter` mails (null: let it finish). */
function runWorker(file: string, smtp: TestSmtp, killAfter: number | null): Promise<{ killed: boolean; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, file, smtp.url, String(START), '1000', String(LANES)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const watch = killAfter === null ? null : setInterval(() => {
      if (!killed && smtp.received() >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (watch) clearInterval(watch);
      resolve({ killed, code, stderr });
    });
  });
}

describe('a crash during delivery', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-delivery-crash-'));
  const file = path.join(dir, 'db.sqlite');
  let smtp: TestSmtp | null = null;
  afterAll(async () => {
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL mid-delivery: every mail that was not on the wire arrives, at most one per lane is unknown, none arrives twice', async () => {
    // Each message is held 20 ms by the sink, so at the kill several lanes have one on the wire.
    smtp = await startTestSmtp({ delayMs: 20 });
    const setup = openSqlite(file);
    const clock = new VirtualClock(START);
    const registry = builtinRegistry();
    await new JourneyService(setup, registry, clock).deploy(mailJourney('welcome', 'signup'));
    const ids = Array.from({ length: MAILS }, (_, i) => `c${i}`);
    assertNoRejections(await identifyCustomers(setup, clock, ids.map((id) => ({ customerId: id, email: `${id}@example.com` }))));
    assertNoRejections(await trackEvents(setup, clock, ids.map((id) => ({ customerId: id, type: 'signup' }))));
    await new Engine({ storage: setup, registry, clock }).runUntilIdle({ deliver: false });
    expect((await setup.outbox.countByStatus()).pending).toBe(MAILS);
    await setup.close();

    const first = await runWorker(file, smtp, 60);
    expect(first.killed, first.stderr).toBe(true);
    const second = await runWorker(file, smtp, null);
    expect(second.code, second.stderr).toBe(0);

    const s = openSqlite(file);
    try {
      const entries = await s.outbox.list({ limit: MAILS * 2 });
      const unknown = entries.filter((e) => e.status === 'unknown');
      const others = entries.filter((e) => e.status !== 'unknown');
      expect(others.every((e) => e.status === 'sent')).toBe(true);
      expect(unknown.length).toBeLessThanOrEqual(LANES);
      // Message ids are derived from the outbox key: count arrivals per entry.
      const arrivals = new Map<string, number>();
      for (const m of smtp.mails) arrivals.set(m.messageId!, (arrivals.get(m.messageId!) ?? 0) + 1);
      expect([...arrivals.values()].filter((n) => n > 1)).toEqual([]);
      const idOf = (key: string) => `<${key.replace(/[^A-Za-z0-9.-]/g, '.')}@shop.example>`;
      expect(others.filter((e) => arrivals.get(idOf(e.key)) !== 1).map((e) => e.key)).toEqual([]);
      expect(smtp.mails.length).toBeGreaterThanOrEqual(others.length);
      expect(smtp.mails.length).toBeLessThanOrEqual(MAILS);
      console.log(`delivery crash: ${MAILS} mails, killed after ${first.killed ? 60 : 0} accepted; sent ${others.length}, unknown ${unknown.length} (lanes ${LANES}), arrived ${smtp.mails.length}, duplicates 0`);
    } finally {
      await s.close();
    }
  });
});
