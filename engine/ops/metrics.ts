import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../core/clock.ts';
import type { Engine } from '../executor/engine.ts';
import type { Storage } from '../storage/types.ts';

/**
 * Prometheus metrics. Engine counters are read from `engine.stats` at scrape
 * time (no hot-path cost); backlog gauges query storage once per scrape.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly ingested: Counter<'kind' | 'outcome'>;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  private engine: Engine | null = null;

  constructor(storage: Storage, clock: Clock) {
    collectDefaultMetrics({ register: this.registry, prefix: 'foresight_process_' });
    this.ingested = new Counter({ name: 'foresight_ingested_total', help: 'Items received by the tracking API and imports', labelNames: ['kind', 'outcome'], registers: [this.registry] });
    this.requests = new Counter({ name: 'foresight_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    const fromEngine = (name: string, help: string, key: keyof Engine['stats']) => {
      const read = () => this.engine?.stats[key] ?? 0;
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    };
    fromEngine('foresight_runs_advanced_total', 'Journey runs moved forward by the engine', 'runsAdvanced');
    fromEngine('foresight_runs_enrolled_total', 'Customers enrolled into journeys', 'runsEnrolled');
    fromEngine('foresight_events_processed_total', 'Events processed by the engine', 'eventsProcessed');
    fromEngine('foresight_sends_total', 'Messages and webhooks delivered', 'sends');
    fromEngine('foresight_send_failures_total', 'Deliveries that failed', 'sendFailures');
    fromEngine('foresight_unit_failures_total', "Customers whose share of a batch failed outside node code (their run failed alone)", 'unitFailures');
    fromEngine('foresight_delivery_pauses_total', 'Times the circuit breaker paused a kind of delivery (relay refused, failure rate jumped): alert on increase', 'deliveryPauses');
    const self = this;
    new Gauge({
      name: 'foresight_delivery_paused',
      help: 'Kinds of delivery paused now by the circuit breaker (see GET /api/delivery)',
      registers: [this.registry],
      collect() {
        this.set(self.engine?.breaker.status().paused.length ?? 0);
      },
    });
    new Gauge({
      name: 'foresight_events_backlog',
      help: 'Events received but not yet processed',
      registers: [this.registry],
      async collect() {
        this.set(await storage.events.unprocessedCount());
      },
    });
    new Gauge({
      name: 'foresight_runs_due',
      help: 'Journey runs due now and not yet moved (the due backlog)',
      registers: [this.registry],
      async collect() {
        this.set(await storage.ops.dueRuns(clock.now().getTime()));
      },
    });
    new Gauge({
      name: 'foresight_outbox_pending',
      help: 'Deliveries waiting to be sent',
      registers: [this.registry],
      async collect() {
        this.set((await storage.outbox.countByStatus()).pending ?? 0);
      },
    });
    new Gauge({
      name: 'foresight_outbox_unknown',
      help: 'Deliveries a crash left unknown (maybe sent): never resent automatically; check and re-queue',
      registers: [this.registry],
      async collect() {
        this.set((await storage.outbox.countByStatus()).unknown ?? 0);
      },
    });
    new Gauge({
      name: 'foresight_scheduler_lag_seconds',
      help: 'How far the earliest due run is behind now (0 when nothing is overdue)',
      registers: [this.registry],
      async collect() {
        const next = await storage.runs.nextWakeAt();
        this.set(next === null ? 0 : Math.max(0, (clock.now().getTime() - next) / 1000));
      },
    });
  }

  attachEngine(engine: Engine): void {
    this.engine = engine;
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
