import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { builtinRegistry } from '../nodes/index.ts';
import { SystemClock } from './core/clock.ts';
import { assertNoRejections, identifyCustomers, trackEvents } from './ingest/ingest.ts';
import { JourneyService } from './journeys.ts';
import { startTestSmtp } from './messaging/test-smtp.ts';
import { openPostgres, type PostgresStorage } from './storage/postgres/index.ts';
import { createTestDatabase, pgSkipReason } from './testing/postgres.ts';
import { testSql } from './testing/sql.ts';

/**
 * The scale-out promise, end to end: real `foresight worker` processes on one PostgreSQL,
 * mailing a real SMTP sink, one of them SIGKILLed mid-way.
 */
const BIN = fileURLToPath(new URL('../bin/foresight.js', import.meta.url));
const RUNS = 10_000;
const WORKERS = 4;
const LEASE = '3s';

const journey = {
  id: 'fleet',
  name: 'Fleet',
  settings: { reentry: 'once' },
  nodes: [
    { id: 'start', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'mail', type: 'action.email', config: { subject: 'Welcome', html: '<p>Hi</p>', text: 'Hi', transactional: true } },
    { id: 'wait', type: 'wait.delay', config: { duration: '2s' } },
    { id: 'end', type: 'flow.exit', config: { reason: 'done' } },
  ],
  edges: [
    { id: 'e1', source: 'start', sourceHandle: 'next', target: 'mail' },
    { id: 'e2', source: 'mail', sourceHandle: 'next', target: 'wait' },
    { id: 'e3', source: 'wait', sourceHandle: 'next', target: 'end' },
  ],
};

interface Worker {
  child: ChildProcess;
  id: Promise<string>;
  exited: Promise<number | null>;
  log: () => string;
}

function startWorker(url: string, smtpUrl: string): Worker {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      FORESIGHT_DB: '',
      FORESIGHT_SMTP_URL: smtpUrl,
      FORESIGHT_SECRET: 'x'.repeat(32),
      FORESIGHT_MAIL_FROM: 'shop@example.com',
      FORESIGHT_LEASE: LEASE,
      FORESIGHT_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const id = new Promise<string>((resolve) =>
    child.stdout!.on('data', (d: Buffer) => {
      log += String(d);
      const m = /foresight worker (\S+) started/.exec(log);
      if (m) resolve(m[1]!);
    }),
  );
  child.stderr!.on('data', (d: Buffer) => (log += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, id, exited, log: () => log };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, logs: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const pgUrl = inject('pgUrl');
const skip = pgSkipReason(pgUrl);
if (skip) console.warn(`fleet test skipped: ${skip}`);

describe.skipIf(skip !== null)('a fleet of workers on one PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  let storage: PostgresStorage;
  beforeAll(async () => {
    db = await createTestDatabase(pgUrl!);
    storage = await openPostgres(db.url);
  });
  afterAll(async () => {
    await storage?.close();
    await db?.drop();
  });

  it(`${WORKERS} workers advance ${RUNS} runs through email and wait: one SIGKILLed, no step or mail twice, nothing lost`, async () => {
    const clock = new SystemClock();
    const registry = builtinRegistry();
    await new JourneyService(storage, registry, clock).deploy(journey);
    const customers = Array.from({ length: RUNS }, (_, i) => ({ customerId: `c${i}`, email: `c${i}@example.com` }));
    for (let i = 0; i < RUNS; i += 5000) assertNoRejections(await identifyCustomers(storage, clock, customers.slice(i, i + 5000)));

    const smtp = await startTestSmtp({ parse: false });
    const workers = Array.from({ length: WORKERS }, () => startWorker(db.url, smtp.url));
    const logs = () => workers.map((w, i) => `--- worker ${i}\n${w.log()}`).join('\n');
    const { value, all } = testSql(storage);
    const count = async (sql: string) => Number(await value(sql));
    try {
      await Promise.all(workers.map((w) => w.id));
      const started = Date.now();
      // Events arrive through this process (an API process in production): the workers hear of them by NOTIFY.
      for (let i = 0; i < RUNS; i += 5000) assertNoRejections(await trackEvents(storage, clock, customers.slice(i, i + 5000).map((c) => ({ customerId: c.customerId, type: 'signup' }))));

      // SIGKILL one worker mid-way: some mail out, much still to do.
      await until('a quarter of the mail', async () => smtp.received() >= RUNS / 4, 120_000, logs);
      const killed = await workers[0]!.id;
      workers[0]!.child.kill('SIGKILL');
      expect(smtp.received()).toBeLessThan(RUNS);

      // The others take its work over once its leases expire.
      await until(
        'every run to end and every delivery to settle',
        async () => (await count(`SELECT COUNT(*) FROM runs WHERE status = 'completed'`)) === RUNS && (await count(`SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')`)) === 0,
        240_000,
        logs,
      );

      // Steps: one run per customer, each (run, visit) in history once, every run ended at the exit.
      expect(await count('SELECT COUNT(*) FROM runs')).toBe(RUNS);
      expect(await count('SELECT COUNT(DISTINCT customer_id) FROM runs')).toBe(RUNS);
      expect(await count('SELECT COUNT(*) FROM (SELECT 1 FROM run_history GROUP BY run_id, visit HAVING COUNT(*) > 1) AS x')).toBe(0);
      expect(await all(`SELECT kind, COUNT(*) AS n FROM run_history WHERE kind IN ('enter', 'exit', 'fail') GROUP BY kind ORDER BY kind`)).toEqual([
        { kind: 'enter', n: RUNS },
        { kind: 'exit', n: RUNS },
      ]);
      expect(await count(`SELECT count FROM node_counters WHERE journey_id = 'fleet' AND node_id = '$journey' AND key = 'enrolled'`)).toBe(RUNS);

      // Mail: one outbox entry per run; the sink never got a message twice.
      expect(await count('SELECT COUNT(*) FROM outbox')).toBe(RUNS);
      const ids = smtp.messageIds;
      expect(new Set(ids).size).toBe(ids.length);
      // Everything marked sent arrived. The only entries not known to be sent are the few the killed
      // worker had in flight: marked unknown (never resent: that could send twice), each its own.
      const statuses = Object.fromEntries((await all('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status')).map((r) => [r.status, Number(r.n)]));
      const unknown = statuses.unknown ?? 0;
      expect(statuses.sent! + unknown).toBe(RUNS);
      expect(ids.length).toBeGreaterThanOrEqual(statuses.sent!);
      expect(ids.length).toBeLessThanOrEqual(RUNS);
      expect(await count(`SELECT COUNT(*) FROM outbox WHERE status = 'unknown' AND lease_owner != '${killed}'`)).toBe(0);
      // The send log records each mail as the transport accepts it, so it also holds the unknown ones that did go out.
      const logged = await count('SELECT COUNT(*) FROM email_sends');
      expect(logged).toBeGreaterThanOrEqual(statuses.sent!);
      expect(logged).toBeLessThanOrEqual(ids.length);
      console.log(`fleet: ${RUNS} runs in ${((Date.now() - started) / 1000).toFixed(1)} s, ${ids.length} mails received, ${statuses.sent} sent, ${unknown} in flight in the killed worker (unknown)`);
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      await smtp.close();
    }
    // The survivors stopped cleanly on SIGTERM.
    expect(await Promise.all(workers.slice(1).map((w) => w.exited))).toEqual([0, 0, 0]);
  }, 300_000);
});
