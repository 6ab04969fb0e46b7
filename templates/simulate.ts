import { afterAll, beforeAll } from 'vitest';
import type { DemoStoreOptions } from '../examples/demo-store/generate.ts';
import { demoCustomers, type DemoCustomer } from '../examples/demo-store/generate.ts';
import { simulateOnDemoStore, type StoreSimulation, type StoreSimulationOptions } from '../examples/demo-store/simulate.ts';
import type { Clock } from '../engine/core/clock.ts';
import { refreshSegments } from '../engine/jobs/segment-refresh.ts';
import { runScoringJob } from '../engine/models/job.ts';
import type { OutboxRecord, Storage } from '../engine/storage/types.ts';
import { getTemplate } from './index.ts';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export interface TemplateRun extends StoreSimulation {
  /** The generated customers (the truth), by external id. */
  truth: Map<string, DemoCustomer>;
  /** Every queued email, in time order. */
  emails: OutboxRecord[];
  /** Emails queued by one node. */
  emailsAt(nodeId: string): OutboxRecord[];
  externalId(customerId: number): Promise<string>;
}

/** The nightly jobs a server runs: scores, then segment membership (which fires segment triggers). */
async function nightly(storage: Storage, clock: Clock): Promise<void> {
  await runScoringJob(storage, clock);
  const refreshed = await refreshSegments(storage, clock);
  if (refreshed.failed.length) throw new Error(`segment refresh failed: ${JSON.stringify(refreshed.failed)}`);
}

/**
 * Runs a template on a generated demo store: history before `from`, live from
 * `from` to the store's end. With `models`, the models are fitted (and the
 * template's segments saved and evaluated) before going live and again every
 * simulated night, as on a server.
 */
export async function simulateTemplate(id: string, store: DemoStoreOptions, from: Date, opts: { models?: boolean } = {}): Promise<TemplateRun> {
  const template = getTemplate(id);
  if (!template) throw new Error(`no template ${id}`);
  const prepare: StoreSimulationOptions['prepare'] = async (storage, clock) => {
    for (const s of template.segments) await storage.segments.save(s, clock.now().getTime());
    if (opts.models) await nightly(storage, clock);
  };
  const sim = await simulateOnDemoStore({ journey: template.journey, store, from, prepare, daily: opts.models ? nightly : undefined });
  const emails = await sim.storage.outbox.list({ kind: 'email', limit: 1_000_000 });
  const truth = new Map([...demoCustomers(store)].map((c) => [c.externalId, c]));
  const ids = new Map<number, string>();
  return {
    ...sim,
    truth,
    emails,
    emailsAt: (nodeId) => emails.filter((e) => e.nodeId === nodeId),
    async externalId(customerId) {
      let ext = ids.get(customerId);
      if (!ext) {
        const [c] = await sim.storage.customers.get([customerId]);
        ext = c!.externalId;
        ids.set(customerId, ext);
      }
      return ext;
    },
  };
}

/**
 * Simulates a template once for a test file's `describe` block (closing it afterwards);
 * returns a getter for the result, available inside the tests.
 * @example const run = simulatedTemplate('welcome-series', store, from); it('…', () => run().emailsAt('thanks'));
 */
export function simulatedTemplate(id: string, store: DemoStoreOptions, from: Date, opts: { models?: boolean } = {}): () => TemplateRun {
  let run: TemplateRun | undefined;
  // Nightly model fits make the simulation slower on a busy machine: allow minutes.
  beforeAll(async () => {
    run = await simulateTemplate(id, store, from, opts);
  }, 300_000);
  afterAll(() => run?.close());
  return () => {
    if (!run) throw new Error(`the simulation of ${id} did not finish`);
    return run;
  };
}
