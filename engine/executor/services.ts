import { eventSubject, type Filter, matchesAll } from '../core/filter.ts';
import { ForesightError } from '../core/errors.ts';
import type { CustomerProfile, RunMode } from '../plugin/define-node.ts';
import type { SegmentVerdict } from '../segments/evaluate.ts';
import type { NodeServices, OrderView, PurchasePrediction } from '../plugin/services.ts';
import type { Storage, StepUnit } from '../storage/types.ts';
import { applyProfileChange } from '../core/profile.ts';
import { medianGapPrediction } from './predictions.ts';
import { splitArms, type ArmCounts } from './experiments.ts';
import { defaultHttpService, type HttpService } from '../net/http.ts';
import { renderText } from '../messaging/render.ts';

/**
 * Providers the engine can be given to answer richer questions. The core
 * ships simple defaults; the node catalogue and the models plug in theirs.
 */
export interface ServiceProviders {
  /** Is the customer in the saved segment `name` at `now`, and by which checks? */
  segment?(name: string, customer: CustomerProfile, now: Date, services: NodeServices): Promise<SegmentVerdict>;
  /** Predicted next purchase; null falls back to the median-gap default. */
  nextPurchase?(customer: CustomerProfile, now: Date, services: NodeServices): Promise<PurchasePrediction | null>;
  /** Cycle used when a customer has too little history, in days. */
  populationCycleDays?: number;
  /** `ctx.services.http` for nodes and effects (default: guarded, private addresses refused). */
  http?: HttpService;
}

/** Where the current step stands: the services need it to key outbox entries. */
export interface StepPosition {
  runId: number;
  journeyId: string;
  nodeId: string;
  visit: number;
  enqueued: number;
}

/**
 * Node services for one customer within one unit of work. Reads are cached
 * for the unit; writes (outbox, profile) are collected into the unit and
 * committed atomically with the step that made them.
 */
export class CustomerServices implements NodeServices {
  /** Shared by every call's view (an object, so a view's writes land here). */
  private readonly cache: { orders?: Promise<OrderView[]> } = {};
  position: StepPosition = { runId: 0, journeyId: '', nodeId: '', visit: 0, enqueued: 0 };

  readonly http: HttpService;
  readonly render = renderText;

  constructor(
    private readonly storage: Storage,
    private readonly providers: ServiceProviders,
    readonly customer: CustomerProfile,
    private readonly unit: StepUnit,
    private readonly now: () => Date,
    /** Passed on to nodes as `ctx.mode`. */
    readonly mode: RunMode = 'live',
  ) {
    this.http = providers.http ?? defaultHttpService();
  }

  /**
   * The services as one node call sees them. Closed when the call settles or is
   * abandoned at its deadline, so plugin code that carries on afterwards cannot
   * queue messages or change the profile under another step's name.
   */
  forCall(): CallServices {
    return new CallServices(this);
  }

  enqueue(kind: string, payload: Record<string, unknown>): string {
    const p = this.position;
    if (!p.runId) throw new ForesightError('no_step', 'services.enqueue can only be called while a node runs');
    const key = `${p.runId}:${p.nodeId}:${p.visit}${p.enqueued ? `:${p.enqueued}` : ''}`;
    p.enqueued++;
    this.unit.outbox.push({ key, runId: p.runId, journeyId: p.journeyId, nodeId: p.nodeId, customerId: this.customer.id, kind, payload });
    return key;
  }

  updateProfile(change: ProfileChange): void {
    this.unit.profiles.push({ customerId: this.customer.id, ...change });
    // Later nodes in the same unit see the change at once.
    this.customer.attributes = applyProfileChange(this.customer.attributes, change);
  }

  orders(): Promise<OrderView[]> {
    this.cache.orders ??= this.storage.orders.list(this.customer.id).then((rows) =>
      rows
        .filter((o) => o.orderedAt <= this.now().getTime())
        .map((o) => ({ orderId: o.orderId, orderedAt: new Date(o.orderedAt), amount: o.amount, quantity: o.quantity, items: o.items })),
    );
    return this.cache.orders;
  }

  async countEvents(type: string, opts: { since?: Date; where?: import('../core/filter.ts').Filter[] } = {}): Promise<number> {
    const rows = await this.storage.events.list(this.customer.id, { type, since: opts.since?.getTime(), limit: 100_000 });
    const now = this.now().getTime();
    return rows.filter((e) => e.occurredAt <= now && matchesAll(eventSubject(e.type, e.properties), opts.where)).length;
  }

  async lastEventAt(type: string, opts: { where?: import('../core/filter.ts').Filter[] } = {}): Promise<Date | null> {
    const rows = await this.storage.events.list(this.customer.id, { type, limit: 100_000 });
    const now = this.now().getTime();
    const hit = rows.find((e) => e.occurredAt <= now && matchesAll(eventSubject(e.type, e.properties), opts.where));
    return hit ? new Date(hit.occurredAt) : null;
  }

  async scores(): Promise<Record<string, { value: number | null; data: Record<string, unknown>; scoredAt: Date }>> {
    const rows = await this.storage.scores.forCustomer(this.customer.id);
    return Object.fromEntries(rows.map((r) => [r.model, { value: r.value, data: r.data, scoredAt: new Date(r.scoredAt) }]));
  }

  async nextPurchase(): Promise<PurchasePrediction | null> {
    const fromProvider = await this.providers.nextPurchase?.(this.customer, this.now(), this);
    if (fromProvider) return fromProvider;
    return medianGapPrediction(await this.orders(), this.providers.populationCycleDays ?? 30);
  }

  /**
   * Live per-variant counts for `split.ab` auto-allocation: the calling split node's own
   * customers and conversions per port (whatever its experiment is named).
   */
  experimentStats(): Promise<ArmCounts[]> {
    return splitArms(this.storage, this.position.journeyId, this.position.nodeId);
  }

  async inSegment(name: string): Promise<boolean> {
    return (await this.segment(name)).matched;
  }

  async segment(name: string): Promise<SegmentVerdict> {
    if (!this.providers.segment) throw new ForesightError('segments_unavailable', `segment "${name}": no segment evaluator is configured`);
    return this.providers.segment(name, this.customer, this.now(), this);
  }
}

type ProfileChange = { set?: Record<string, unknown>; increment?: Record<string, number>; addTags?: string[]; removeTags?: string[] };

/**
 * One node call's view of its customer's services: reads pass through, writes are refused once
 * the call has ended. A plain class rather than Object.create(owner): making the owner a
 * prototype on every step cost V8 a prototype transition per step (5 % of a step's time).
 */
export class CallServices implements NodeServices {
  private closed = false;
  readonly render = renderText;

  constructor(private readonly owner: CustomerServices) {}

  get http(): HttpService {
    return this.owner.http;
  }

  close(): void {
    this.closed = true;
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new ForesightError('step_closed', `services.${what}: the node call has ended (it returned or missed its deadline); call services only before run returns`);
  }

  enqueue(kind: string, payload: Record<string, unknown>): string {
    this.assertOpen('enqueue');
    return this.owner.enqueue(kind, payload);
  }

  updateProfile(change: ProfileChange): void {
    this.assertOpen('updateProfile');
    this.owner.updateProfile(change);
  }

  experimentStats(): Promise<ArmCounts[]> {
    this.assertOpen('experimentStats');
    return this.owner.experimentStats();
  }

  orders(): Promise<OrderView[]> {
    return this.owner.orders();
  }

  countEvents(type: string, opts?: { since?: Date; where?: Filter[] }): Promise<number> {
    return this.owner.countEvents(type, opts);
  }

  lastEventAt(type: string, opts?: { where?: Filter[] }): Promise<Date | null> {
    return this.owner.lastEventAt(type, opts);
  }

  scores(): ReturnType<NodeServices['scores']> {
    return this.owner.scores();
  }

  nextPurchase(): Promise<PurchasePrediction | null> {
    return this.owner.nextPurchase();
  }

  inSegment(name: string): Promise<boolean> {
    return this.owner.inSegment(name);
  }

  segment(name: string): Promise<SegmentVerdict> {
    return this.owner.segment(name);
  }
}
