import type { Clock } from '../../engine/core/clock.ts';
import { VirtualClock } from '../../engine/core/clock.ts';
import { errorMessage } from '../../engine/core/errors.ts';
import type { Config } from '../../engine/config.ts';
import { JourneyService } from '../../engine/journeys.ts';
import { runScoringJob } from '../../engine/models/job.ts';
import type { NodeRegistry } from '../../engine/plugin/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import type { Storage } from '../../engine/storage/types.ts';
import { importTemplate, listTemplates } from '../../templates/index.ts';
import { saveBrand } from '../../engine/brand/brand.ts';
import { AcceleratedClock } from './accelerated-clock.ts';
import { PRODUCTS } from './catalogue.ts';
import { loadDemoStore, type DemoFeed, type LoadSummary } from './load.ts';

/** The demo shop as its emails present it (a reserved .test domain: its links lead nowhere real). */
export const DEMO_BRAND = { shopName: 'Foresight demo pantry', shopUrl: 'https://pantry.foresight.test', footerAddress: '1 Demo Street, Springfield', currency: 'USD' };

/** The templates the demo puts live: they react within simulated hours, so the builder's numbers move at once. */
export const DEMO_LIVE_TEMPLATES = ['cart-abandonment', 'welcome-series', 'replenishment'] as const;

const DAY = 86_400_000;

/** Two months of live activity for a small shop; fewer days for a large one, whose future is held in memory. */
export function defaultLiveDays(customers: number): number {
  return Math.max(3, Math.min(60, Math.round((60 * 50_000) / customers)));
}

export interface DemoOptions {
  config: Config;
  storage: Storage;
  registry: NodeRegistry;
  /** The real clock: the only source of wall time, sped up for the engine. */
  clock: Clock;
  customers: number;
  seed: number;
  /** Simulated milliseconds per real one. */
  speed: number;
  /** Days of store activity generated ahead of now, replayed live (default: `defaultLiveDays`). */
  liveDays?: number;
  builderDir?: string | null;
  handleSignals?: boolean;
  /** Progress lines for the terminal. */
  say?(line: string): void;
}

export interface RunningDemo {
  server: RunningServer;
  clock: AcceleratedClock;
  feed: DemoFeed;
  summary: LoadSummary;
  live: string[];
  close(): Promise<void>;
}

/**
 * Generates the demo store into storage (history up to now), fits the
 * models, imports every template (three of them live), and starts the
 * server on an accelerated clock while the store's future is fed in through
 * ingest; the server's jobs (the models refitted nightly, segments refreshed)
 * follow the accelerated clock, its sign-in sessions the real one.
 */
export async function startDemo(o: DemoOptions): Promise<RunningDemo> {
  const say = o.say ?? (() => {});
  const now = o.clock.now();
  const liveDays = o.liveDays ?? defaultLiveDays(o.customers);
  const end = new Date(now.getTime() + liveDays * DAY);
  const started = o.clock.now().getTime();
  const { summary, feed } = await loadDemoStore(
    o.storage,
    { customers: o.customers, seed: o.seed, end, historyDays: 365 + liveDays },
    { historyUntil: now, onProgress: (done, total) => done % 20_000 < 2000 && say(`  generated ${done.toLocaleString('en')} / ${total.toLocaleString('en')} customers`) },
  );
  say(`Demo store: ${summary.customers.toLocaleString('en')} customers, ${summary.orders.toLocaleString('en')} orders, ${summary.events.toLocaleString('en')} events (${((o.clock.now().getTime() - started) / 1000).toFixed(1)} s)`);

  // The shop's brand and catalogue, so the templates' emails show its name, links and products as imported.
  await saveBrand(o.storage, DEMO_BRAND, now.getTime());
  await o.storage.products.upsert(
    PRODUCTS.map((p) => ({ itemId: p.id, name: p.name, url: `${DEMO_BRAND.shopUrl}/p/${p.id}`, imageUrl: null, price: p.price, category: p.category })),
    now.getTime(),
  );

  const asOfNow = new VirtualClock(now);
  // Start-up scores with BG/NBD; the nightly job compares the purchase models once it is running.
  const report = await runScoringJob(o.storage, asOfNow, { reviewModels: false });
  say(`Models fitted on ${report.customers.toLocaleString('en')} customers`);

  const journeys = new JourneyService(o.storage, o.registry, asOfNow);
  const live: string[] = [];
  for (const t of listTemplates()) {
    await importTemplate({ storage: o.storage, journeys, clock: asOfNow }, t.id);
    if (!(DEMO_LIVE_TEMPLATES as readonly string[]).includes(t.id)) continue;
    try {
      await journeys.publish(t.id);
      live.push(t.id);
    } catch (err) {
      say(`  template ${t.id} stays a draft: ${errorMessage(err).split('\n').join(' ')}`);
    }
  }
  say(`Templates imported; live: ${live.join(', ') || 'none'}`);

  const clock = new AcceleratedClock(o.clock, o.speed, now);
  // The shop's jobs (nightly scoring, segment refresh every 15 minutes, anniversaries) keep shop time;
  // sign-in sessions keep real time, so a builder user is not signed out every few minutes.
  const server = await startServer({ config: o.config, storage: o.storage, clock, realClock: o.clock, jobsOnClock: true, registry: o.registry, builderDir: o.builderDir, handleSignals: o.handleSignals });

  // Feed the store's future in as the accelerated clock reaches it.
  let busy: Promise<unknown> | null = null;
  const pump = () => feed.ingestUntil(o.storage, clock, clock.now().getTime());
  const timer = setInterval(() => {
    busy ??= pump()
      .catch((err) => server.log.error({ err }, `demo feed: ${errorMessage(err)}`))
      .finally(() => (busy = null));
  }, 250);

  return {
    server,
    clock,
    feed,
    summary,
    live,
    async close() {
      clearInterval(timer);
      await busy;
      await server.close();
    },
  };
}
