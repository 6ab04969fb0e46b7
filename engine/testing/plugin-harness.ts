import type { ServiceProviders } from '../executor/services.ts';
import type { IdentifyInput, OrderInputExternal, TrackInput } from '../ingest/schemas.ts';
import { NodeRegistry } from '../plugin/registry.ts';
import type { CustomerRecord, EventRecord, OrderRecord, OutboxRecord, OutboxStatus, RunRecord } from '../storage/types.ts';
import { createHarness as engineHarness } from './harness.ts';

/**
 * The harness as `foresight/testing` offers it: drive a journey and read what the engine
 * stored. A narrow view of the engine's own harness, so a plugin depends on (and its
 * type-check reads) these members only, not the engine's classes.
 */
export interface Harness {
  /** `runUntilIdle()` processes every due event and run, then delivers what they queued (unless `deliver: false`). */
  engine: { runUntilIdle(opts?: { deliver?: boolean }): Promise<void> };
  /** `deploy(journey)` validates, saves and publishes a journey document; it throws naming every problem. */
  journeys: { deploy(doc: unknown): Promise<{ id: string; version: number }> };
  /** Reads of what the engine stored (ids are the engine's; see {@link Harness.customerId}). */
  storage: {
    customers: { byExternalId(externalId: string): Promise<CustomerRecord | null> };
    events: { list(customerId: number, opts: { type?: string; since?: number; limit?: number }): Promise<EventRecord[]> };
    orders: { list(customerId: number): Promise<OrderRecord[]> };
    runs: { forCustomer(customerId: number): Promise<RunRecord[]> };
    /** Queued side effects with their delivery outcome (`status`, `lastError`). */
    outbox: { list(opts: { customerId?: number; kind?: string; status?: OutboxStatus; since?: number; limit?: number }): Promise<OutboxRecord[]> };
  };
  /** The virtual clock: only {@link Harness.advance} moves it. */
  clock: { now(): Date };
  /** Creates or updates customers (as `POST /api/identify`); throws naming the first bad item. */
  identify(items: IdentifyInput[]): Promise<unknown>;
  /** Records events (as `POST /api/track`) and runs the engine until idle. */
  track(items: TrackInput[]): Promise<unknown>;
  /** Records orders (as `POST /api/orders`) and runs the engine until idle. */
  orders(items: OrderInputExternal[]): Promise<unknown>;
  /** Moves virtual time forward (`'3d'` or ms), waking every run due on the way, in order. */
  advance(by: string | number): Promise<void>;
  /** The engine's id of a customer, by your id. */
  customerId(externalId: string): Promise<number>;
  /** A customer's runs, by your id. */
  runsOf(externalId: string): Promise<RunRecord[]>;
  /** Closes the database and removes its temporary folder. */
  close(): Promise<void>;
}

/**
 * The node types and effects a harness runs, as {@link registryWith} makes them: the built-in
 * nodes plus your plugins, checked as the engine checks them at load.
 */
export interface PluginRegistry {
  /** Every registered node type, e.g. `['trigger.event', …, 'sms.message']`. */
  types(): string[];
}

/** Options of {@link createHarness}. */
export interface HarnessOptions {
  /** Virtual start time (default 2024-01-01T00:00:00Z). */
  start?: string;
  /** The node types: `registryWith(myPlugin)` (default: the built-in nodes). */
  registry?: PluginRegistry;
  /** E.g. `{ http: createHttpService({ allowPrivate: true }) }` to reach a local test endpoint. */
  providers?: ServiceProviders;
}

/**
 * A real engine on a temporary SQLite file, driven by a virtual clock.
 *
 * @example
 * const h = createHarness({ registry: registryWith(plugin) });
 * await h.journeys.deploy(journey);
 * await h.track([{ customerId: 'c1', type: 'signup' }]);
 * await h.advance('3d');
 */
export function createHarness(opts: HarnessOptions = {}): Harness {
  const { registry } = opts;
  if (registry !== undefined && !(registry instanceof NodeRegistry)) throw new TypeError('createHarness: registry: make it with registryWith(...plugins) from foresight/testing');
  return engineHarness({ ...opts, registry });
}
