import type { Clock } from '../core/clock.ts';

export interface BreakerOptions {
  /** Outcomes remembered per effect kind. */
  window?: number;
  /** Fewest outcomes in the window before the failure rate is judged. */
  minSamples?: number;
  /** Failure share of the window that pauses the kind. */
  threshold?: number;
  /** How long a pause lasts before delivery tries again (doubling while it keeps failing, up to 1 h). */
  cooldownMs?: number;
}

/** A paused kind of delivery: why, since when, until when. */
export interface DeliveryHold {
  kind: string;
  /** `relay`: our relay refused (policy, auth); `failure-rate`: recent failures jumped. */
  cause: 'relay' | 'failure-rate';
  reason: string;
  since: number;
  until: number;
}

const MAX_COOLDOWN_MS = 3_600_000;

/**
 * The circuit breaker in front of delivery, per effect kind. When the relay refuses to carry
 * mail, or the recent failure rate jumps, it pauses that kind of delivery for a cooldown
 * instead of failing (and suppressing) the whole list; after the cooldown one failure pauses it
 * again, for twice as long. It runs on the real clock: an outage is a real-world thing.
 * State is per process (each worker judges what it sees).
 */
export class DeliveryBreaker {
  private readonly recent = new Map<string, boolean[]>();
  private readonly holds = new Map<string, DeliveryHold>();
  /** Kinds just out of a pause, with the cooldown that pause had. */
  private readonly probation = new Map<string, number>();
  private readonly window: number;
  private readonly minSamples: number;
  private readonly threshold: number;
  private readonly cooldownMs: number;

  constructor(
    private readonly clock: Clock,
    opts: BreakerOptions = {},
    private readonly onHold: (hold: DeliveryHold) => void = () => {},
  ) {
    this.window = opts.window ?? 20;
    this.minSamples = opts.minSamples ?? 10;
    this.threshold = opts.threshold ?? 0.5;
    this.cooldownMs = opts.cooldownMs ?? 5 * 60_000;
  }

  /** Kinds whose delivery is paused now. */
  pausedKinds(): string[] {
    const now = this.clock.now().getTime();
    for (const [kind, h] of this.holds) {
      if (h.until > now) continue;
      this.holds.delete(kind);
      this.recent.delete(kind);
      this.probation.set(kind, h.until - h.since);
    }
    return [...this.holds.keys()];
  }

  isPaused(kind: string): boolean {
    return this.pausedKinds().includes(kind);
  }

  /** Records one delivery outcome; pauses the kind when failures jump (or after a pause, on the first failure). */
  record(kind: string, failed: boolean): void {
    this.pausedKinds();
    const list = this.recent.get(kind) ?? [];
    list.push(failed);
    if (list.length > this.window) list.shift();
    this.recent.set(kind, list);
    const after = this.probation.get(kind);
    if (after !== undefined) {
      if (failed) this.pause(kind, 'failure-rate', 'a delivery failed again right after a pause', Math.min(after * 2, MAX_COOLDOWN_MS));
      else if (list.length >= this.minSamples) this.probation.delete(kind);
      return;
    }
    const failures = list.filter(Boolean).length;
    if (list.length >= this.minSamples && failures / list.length >= this.threshold) {
      this.pause(kind, 'failure-rate', `${failures} of the last ${list.length} deliveries failed`, this.cooldownMs);
    }
  }

  /** Our relay refused to carry mail: pause the kind now. */
  relayRefused(kind: string, reason: string): void {
    const after = this.probation.get(kind);
    this.pause(kind, 'relay', reason, after === undefined ? this.cooldownMs : Math.min(after * 2, MAX_COOLDOWN_MS));
  }

  /** True while failures look like the recipients' own: a hard bounce then may suppress its address. */
  trusts(kind: string): boolean {
    if (this.isPaused(kind) || this.probation.has(kind)) return false;
    const list = this.recent.get(kind) ?? [];
    return list.length < this.minSamples || list.filter(Boolean).length / list.length < this.threshold;
  }

  /** Operator action: deliver this kind (or every kind) again now. Returns the kinds resumed. */
  resume(kind?: string): string[] {
    const kinds = kind ? [kind].filter((k) => this.holds.has(k)) : [...this.holds.keys()];
    for (const k of kinds) {
      this.holds.delete(k);
      this.recent.delete(k);
      this.probation.delete(k);
    }
    return kinds;
  }

  /** Paused kinds with their reasons, and the recent failure share per kind. */
  status(): { paused: DeliveryHold[]; failureRate: Record<string, number> } {
    this.pausedKinds();
    const failureRate: Record<string, number> = {};
    for (const [kind, list] of this.recent) failureRate[kind] = list.length ? list.filter(Boolean).length / list.length : 0;
    return { paused: [...this.holds.values()], failureRate };
  }

  private pause(kind: string, cause: DeliveryHold['cause'], reason: string, ms: number): void {
    if (this.holds.has(kind)) return;
    const now = this.clock.now().getTime();
    const hold = { kind, cause, reason, since: now, until: now + ms };
    this.holds.set(kind, hold);
    this.probation.delete(kind);
    this.onHold(hold);
  }
}
