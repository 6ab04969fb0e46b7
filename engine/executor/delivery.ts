import { SystemClock, type Clock } from '../core/clock.ts';
import { defaultHttpService, type HttpService } from '../net/http.ts';
import { errorMessage } from '../core/errors.ts';
import type { CustomerProfile } from '../plugin/define-node.ts';
import { DEFAULT_EFFECT_TIMEOUT_MS, withDeadline } from '../plugin/deadline.ts';
import type { NodeRegistry } from '../plugin/registry.ts';
import { checkedOutcome } from '../plugin/result.ts';
import type { EffectOutcome } from '../plugin/services.ts';
import type { Lease, OutboxRecord, OutboxResult, Storage } from '../storage/types.ts';
import { DeliveryBreaker, type BreakerOptions, type DeliveryHold } from './breaker.ts';
import type { EngineStats } from './engine.ts';
import { GroupCommit } from './group-commit.ts';

const DEFAULT_RETRY_DELAYS = [60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 4 * 3_600_000, 12 * 3_600_000];

export interface DeliveryDeps {
  storage: Storage;
  registry: NodeRegistry;
  clock: Clock;
  /** The engine's counters (sends, failures, pauses). */
  stats: EngineStats;
  /** This worker's lease for a claim of `limit` entries. */
  lease: (limit: number) => Lease;
  profiles: (customerIds: number[]) => Promise<Map<number, CustomerProfile>>;
  /** Delays between attempts; after the last one an entry is marked failed. */
  retryDelaysMs?: number[];
  /** Entries delivered concurrently (per customer always in order). */
  lanes?: number;
  /** Real-world time for the circuit breaker's pauses (default: the system clock). */
  realClock?: Clock;
  breaker?: BreakerOptions;
  onPaused?: (hold: DeliveryHold) => void;
  /** Handed to effect handlers as `ctx.http`. */
  http?: HttpService;
  /** Deadline for one effect handler call, default 30 s (below the 60 s lease); a miss is retried like a failure. */
  effectTimeoutMs?: number;
}

/**
 * The outbox half of the engine: claims due entries, runs their effect handlers in lanes,
 * records each outcome as it completes, and decides what an outcome means for the entry, the
 * circuit breaker and the suppression list.
 */
export class Delivery {
  readonly breaker: DeliveryBreaker;
  private readonly storage: Storage;
  private readonly clock: Clock;
  private readonly retryDelays: number[];
  private readonly lanes: number;

  constructor(private readonly deps: DeliveryDeps) {
    this.storage = deps.storage;
    this.clock = deps.clock;
    this.retryDelays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
    this.lanes = Math.max(1, deps.lanes ?? 8);
    this.breaker = new DeliveryBreaker(deps.realClock ?? new SystemClock(), deps.breaker, (hold) => {
      deps.stats.deliveryPauses++;
      deps.onPaused?.(hold);
    });
  }

  /**
   * Delivers one batch of due outbox entries through their effect handlers. Returns entries handled.
   * Progress is durable as it happens (see GroupCommit): a crash leaves at most one entry per
   * lane `unknown`; claimed entries that never started go back to pending.
   */
  async dispatch(limit: number): Promise<number> {
    await this.storage.outbox.recover(this.clock.now().getTime());
    const lease = this.deps.lease(limit);
    const items = await this.storage.outbox.claim({ ...lease, exceptKinds: this.breaker.pausedKinds() });
    if (items.length === 0) return 0;
    const profiles = await this.deps.profiles(items.map((i) => i.customerId));
    // Deliveries wait on the network: run several lanes at once. One customer's
    // entries stay in one lane, in order, so per-customer checks (frequency cap) see each send.
    const lanes: OutboxRecord[][] = Array.from({ length: Math.min(this.lanes, items.length) }, () => []);
    for (const item of items) lanes[item.customerId % lanes.length]!.push(item);
    const progress = new GroupCommit((results, keys) => this.storage.outbox.settle(results, this.clock.now().getTime(), { owner: lease.owner, leaseMs: lease.leaseMs, keys }));
    // allSettled: a lane that fails (storage error) must not return early while the others still send.
    const lanesDone = await Promise.allSettled(
      lanes.map(async (lane) => {
        let done: OutboxResult[] = [];
        for (const item of lane) {
          // Paused mid-batch (the relay refused): hand the rest back untouched.
          if (this.breaker.isPaused(item.kind)) {
            done.push({ key: item.key, status: 'pending' });
            continue;
          }
          // The previous outcome and this entry's start commit together, before it goes on the wire.
          const mine = await progress.add(done, item.key);
          done = [];
          if (!mine) continue;
          const started = { ...item, status: 'sending' as const, attempts: item.attempts + 1 };
          done = [await this.settleOutcome(started, await this.deliver(started, profiles.get(item.customerId) ?? null))];
        }
        await progress.add(done, null);
      }),
    );
    const failed = lanesDone.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return items.length;
  }

  /** Runs one entry's effect handler. Kept to this one call so it can be wrapped (e.g. with a deadline). */
  private async deliver(item: OutboxRecord, customer: CustomerProfile | null): Promise<EffectOutcome> {
    const handler = this.deps.registry.effect(item.kind);
    if (!handler) return { status: 'failed', reason: `no handler for effect kind "${item.kind}"; register one with the plugin that enqueues it` };
    try {
      const ctx = { now: this.clock.now(), customer, storage: this.storage, http: this.deps.http ?? defaultHttpService() };
      const answer = await withDeadline(() => handler(item, ctx), this.deps.effectTimeoutMs ?? DEFAULT_EFFECT_TIMEOUT_MS, `effect "${item.kind}" for ${item.key}`);
      return checkedOutcome(answer, item.kind);
    } catch (err) {
      return { status: 'retry', reason: errorMessage(err) };
    }
  }

  /** What an outcome does to the entry, the circuit breaker and the suppression list. */
  private async settleOutcome(item: OutboxRecord, outcome: EffectOutcome): Promise<OutboxResult> {
    const now = this.clock.now().getTime();
    const key = item.key;
    if (outcome.status === 'blocked') this.breaker.relayRefused(item.kind, outcome.reason);
    this.breaker.record(item.kind, outcome.status !== 'sent' && outcome.status !== 'skipped' && outcome.status !== 'deferred');
    switch (outcome.status) {
      case 'sent':
        this.deps.stats.sends++;
        return { key, status: 'sent', detail: outcome.detail ?? null };
      case 'skipped':
        return { key, status: 'skipped', error: outcome.reason };
      case 'deferred':
        return { key, status: 'pending', error: outcome.reason, nextAttemptAt: outcome.until.getTime(), notAnAttempt: true };
      case 'blocked':
        // Not this message's fault: hold it for when delivery resumes.
        return { key, status: 'pending', error: `held, delivery paused: ${outcome.reason}`, nextAttemptAt: now };
      case 'failed':
        // A bounce while deliveries fail too often is more likely the relay's fault: hold the mail, keep the address.
        if (outcome.bounce && !this.breaker.trusts(item.kind)) return { key, status: 'pending', error: `held, bounce not trusted while deliveries fail too often: ${outcome.reason}`, nextAttemptAt: now };
        this.deps.stats.sendFailures++;
        if (outcome.bounce) await this.storage.suppressions.add([{ email: outcome.bounce, reason: 'bounce' }], now);
        return { key, status: 'failed', error: outcome.reason };
      case 'retry': {
        const delay = this.retryDelays[item.attempts - 1];
        if (delay !== undefined) return { key, status: 'pending', error: outcome.reason, nextAttemptAt: now + delay };
        this.deps.stats.sendFailures++;
        return { key, status: 'failed', error: outcome.reason };
      }
    }
  }
}
