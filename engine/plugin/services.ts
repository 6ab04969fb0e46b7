import type { Filter } from '../core/filter.ts';
import type { CustomerProfile } from './define-node.ts';
import type { SegmentVerdict } from '../segments/evaluate.ts';
import type { Storage } from '../storage/types.ts';
import type { HttpService } from '../net/http.ts';

/** An order as a node sees it. */
export interface OrderView {
  orderId: string;
  orderedAt: Date;
  amount: number;
  quantity: number;
  items: string[];
}

/** When the customer is expected to buy next, with a range. */
export interface PurchasePrediction {
  /** The day by which P(purchased) reaches 50 %; null unless that is within the churn window (the median may still be in `deciles[4]`). */
  at: Date | null;
  /** 10 % and 90 % points (an 80 % interval); null beyond the horizon. */
  low: Date | null;
  high: Date | null;
  /** Where the prediction came from, e.g. `own-cycle`, `model`, `median-gap`, `population`. */
  source: string;
  cycleDays: number;
  /** From the models: P(purchased by deciles[k]) = (k + 1) / 10, k = 0..8; null beyond the horizon. */
  deciles?: (Date | null)[];
  /** When the distribution starts (the scoring day): P(purchased) = 0 there. */
  from?: Date;
}

/**
 * What a node may ask of the world, scoped to the run's customer. Reads are
 * async so any storage can sit behind them; `enqueue` records a side effect
 * in the outbox, committed atomically with the step and delivered once.
 */
export interface NodeServices {
  /** Queue a side effect (`email`, `webhook`, a plugin's own kind). Returns its outbox key. */
  enqueue(kind: string, payload: Record<string, unknown>): string;
  /** Set profile attributes, committed with the step. */
  updateProfile(change: { set?: Record<string, unknown>; increment?: Record<string, number>; addTags?: string[]; removeTags?: string[] }): void;
  orders(): Promise<OrderView[]>;
  countEvents(type: string, opts?: { since?: Date; where?: Filter[] }): Promise<number>;
  lastEventAt(type: string, opts?: { where?: Filter[] }): Promise<Date | null>;
  /** Latest model scores by name (`purchase`, `churn`, `engagement`, …), with stored extras. */
  scores(): Promise<Record<string, { value: number | null; data: Record<string, unknown>; scoredAt: Date }>>;
  nextPurchase(): Promise<PurchasePrediction | null>;
  /** Is the customer in the named saved segment? */
  inSegment(name: string): Promise<boolean>;
  /** The same answer with the checks that decided it, for a decision trace. */
  segment(name: string): Promise<SegmentVerdict>;
  /** Outside HTTP with a timeout, retries and the private-address guard. In `simulate` and `backtest` mode, think twice before calling live APIs. */
  http: HttpService;
  /**
   * Renders a Handlebars template as plain text (no HTML escaping) with the engine's helpers
   * (date, money, plural, default), e.g. `render(ctx.config.text, { customer: ctx.customer.attributes })`.
   * Declare the setting as a `template` field and its syntax is checked when the journey is validated.
   */
  render(template: string, data: Record<string, unknown>): string;
}

/** One queued side effect, as its effect handler receives it; `key` is stable across retries (use it to deduplicate). */
export interface OutboxItem {
  key: string;
  runId: number;
  journeyId: string;
  nodeId: string;
  customerId: number;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** What an effect handler answers: `sent`, `skipped`, `failed` (with reason), `retry` (transient; backed off), `blocked` (the path itself refused) or `deferred` (try again at `until`). Shown in the run's trace. */
export type EffectOutcome =
  | { status: 'sent'; detail?: Record<string, unknown> }
  | { status: 'skipped'; reason: string }
  /** `bounce`: the recipient's own server refused this address for good; it is suppressed unless delivery as a whole looks broken. */
  | { status: 'failed'; reason: string; bounce?: string }
  | { status: 'retry'; reason: string }
  /** The sending path itself refused (relay, authentication, policy): the entry is held and this kind of delivery paused, with an alert. */
  | { status: 'blocked'; reason: string }
  /** Not now, by policy (e.g. the message budget went to a higher-priority journey): the entry waits until `until`, then is delivered afresh. */
  | { status: 'deferred'; reason: string; until: Date };

/** What an effect handler is given besides the entry. */
export interface EffectContext {
  /** From the engine's clock. */
  now: Date;
  /** The entry's customer; null once erased. */
  customer: CustomerProfile | null;
  /** Outside HTTP with a timeout, retries and the private-address guard. */
  http: HttpService;
}

/** Delivers one outbox entry. Return `retry` for transient failures; the dispatcher backs off. */
export type EffectHandler = (item: OutboxItem, ctx: EffectContext) => Promise<EffectOutcome>;

/**
 * What the engine's own effects are given: also the store, for delivery-time checks
 * (suppressions, frequency caps, fresh scores). Not part of `foresight/plugin`: a
 * plugin's effect gets no database handle to depend on.
 */
export interface EngineEffectContext extends EffectContext {
  storage: Storage;
}

/** A built-in effect handler; every plugin {@link EffectHandler} is one too. */
export type EngineEffectHandler = (item: OutboxItem, ctx: EngineEffectContext) => Promise<EffectOutcome>;
