import { parseDuration } from '../core/duration.ts';
import { isValidTimeZone } from '../core/time.ts';
import { nextWindowStart, WEEKDAYS } from '../core/window.ts';
import type { CustomerProfile } from '../plugin/define-node.ts';
import type { OutboxItem } from '../plugin/services.ts';
import type { OutboxRecord, Storage } from '../storage/types.ts';

/** At most `max` marketing emails per customer per `window`, shared by every journey (`FORESIGHT_MESSAGE_BUDGET=2/7d`). */
export interface MessageBudget {
  max: number;
  window: string;
}

/** A marketing email due for the customer now, competing for the budget. */
export interface Contender {
  key: string;
  journeyName: string;
  priority: number;
  /** Expected value (predicted CLV × the journey's `valueModel` score), when the journey names a model and both scores exist. */
  value?: number;
  createdAt: number;
}

export type BudgetVerdict = { send: true } | { send: false; reason: string; freeAt: number };

/** Higher priority first; among equals the higher expected value (none counts as lowest), the older message, then the key, so every worker ranks alike. */
export function rankContenders(contenders: Contender[]): Contender[] {
  const value = (c: Contender) => c.value ?? -Infinity;
  return [...contenders].sort(
    (a, b) => b.priority - a.priority || (value(a) === value(b) ? 0 : value(b) > value(a) ? 1 : -1) || a.createdAt - b.createdAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

const describe = (w: Contender) => `"${w.journeyName}" (priority ${w.priority}${w.value === undefined ? '' : `, expected value ${w.value.toFixed(2)}`})`;

/** A limit on marketing emails per customer (the budget, the frequency cap) with the customer's capped sends inside its window. */
export interface Limit extends MessageBudget {
  sentAt: number[];
}

/**
 * Does message `key` get one of the free places? Pure, so a batch decides the same whatever
 * order its entries are delivered in: the places left under every limit (its max minus the
 * capped sends in its window) go to the best-ranked contenders; a sent one leaves the
 * contenders and fills a place, so the others keep their verdict. The frequency cap counts
 * as a limit too, or a low-priority mail delivered first would use the cap a higher one
 * needs. A loser learns when a place frees up under every limit (the oldest sends in the
 * windows, counting this round's winners as sent now, leave them), where it competes again.
 */
export function arbitrate(key: string, contenders: Contender[], budget: Limit, others: Limit[], now: number): BudgetVerdict {
  const limits = [budget, ...others];
  const ranked = rankContenders(contenders);
  const rank = ranked.findIndex((c) => c.key === key);
  const places = Math.min(...limits.map((l) => Math.max(0, l.max - l.sentAt.length)));
  if (rank >= 0 && rank < places) return { send: true };
  const winners = ranked.slice(0, places);
  const freeAt = Math.max(
    now,
    ...limits.map((l) => {
      const taken = [...l.sentAt, ...winners.map(() => now)].sort((a, b) => a - b);
      return taken.length < l.max ? now : taken[taken.length - l.max]! + parseDuration(l.window, 'message budget window');
    }),
  );
  const label = `budget ${budget.max}/${budget.window}`;
  const reason = winners.length
    ? `${label}: lost to ${winners.map(describe).join(', ')}`
    : `${label}: ${budget.sentAt.length} marketing emails already sent in the last ${budget.window}`;
  return { send: false, reason, freeAt };
}

/** What the budget needs to know of a journey: its name, priority and value model (live version), and whether its mail is held. */
type JourneyRank = { name: string; priority: number; valueModel?: string; held: boolean };

async function journeyRank(storage: Storage, id: string): Promise<JourneyRank> {
  const j = await storage.journeys.get(id);
  if (!j) return { name: id, priority: 0, held: true };
  const live = j.liveVersion === null ? null : await storage.journeys.version(id, j.liveVersion);
  const settings = (live?.graph as { settings?: { priority?: unknown; valueModel?: unknown } } | undefined)?.settings;
  const priority = typeof settings?.priority === 'number' ? settings.priority : 0;
  const valueModel = typeof settings?.valueModel === 'string' ? settings.valueModel : undefined;
  return { name: j.name, priority, valueModel, held: j.status === 'paused' || j.status === 'archived' };
}

const IN_PLAY = ['pending', 'claimed', 'sending'] as const;

/** Marketing emails of the customer due now (this one included) that are not held by a paused or archived journey nor held out. */
async function contenders(storage: Storage, item: OutboxItem, now: number): Promise<Contender[]> {
  const entries: OutboxRecord[] = (await Promise.all(IN_PLAY.map((status) => storage.outbox.list({ customerId: item.customerId, kind: 'email', status })))).flat();
  // A message held out of its node is never sent: it must not take a place from one that will be.
  const due = entries.filter((e) => e.key === item.key || (e.nextAttemptAt <= now && !e.payload.transactional && !e.payload.holdout));
  if (!due.some((e) => e.key === item.key)) due.push({ ...(item as OutboxRecord), createdAt: now });
  const ranks = new Map<string, JourneyRank>();
  for (const id of new Set(due.map((e) => e.journeyId))) ranks.set(id, await journeyRank(storage, id));
  const scores = [...ranks.values()].some((r) => r.valueModel) ? new Map((await storage.scores.forCustomer(item.customerId)).map((s) => [s.model, s.value])) : new Map<string, number | null>();
  const valueOf = (r: JourneyRank) => {
    const clv = scores.get('clv');
    const p = r.valueModel ? scores.get(r.valueModel) : undefined;
    return typeof clv === 'number' && typeof p === 'number' ? clv * p : undefined;
  };
  return due
    .filter((e) => e.key === item.key || !ranks.get(e.journeyId)!.held)
    .map((e) => {
      const r = ranks.get(e.journeyId)!;
      const value = valueOf(r);
      return { key: e.key, journeyName: r.name, priority: r.priority, ...(value === undefined ? {} : { value }), createdAt: e.createdAt };
    });
}

/** The email node's choice for a message that loses: skip it, or defer it to the next free place outside quiet hours. */
export interface OverBudget {
  overBudget?: 'skip' | 'defer';
  /** Local hours (customer's zone, UTC when unknown) a deferred message may go out in; quiet hours are the rest. */
  sendFromHour?: number;
  sendUntilHour?: number;
}

export type BudgetOutcome = null | { status: 'skipped'; reason: string } | { status: 'deferred'; reason: string; until: Date };

/**
 * The budget's verdict on one marketing email at delivery: null when it may go, else skipped or
 * deferred (as its node says) with the reason naming the journeys that won.
 */
export async function checkBudget(
  storage: Storage,
  item: OutboxItem,
  customer: CustomerProfile,
  limits: { budget: MessageBudget; cap: MessageBudget | null },
  now: Date,
  choice: OverBudget,
): Promise<BudgetOutcome> {
  const at = now.getTime();
  const all = [limits.budget, ...(limits.cap ? [limits.cap] : [])];
  const since = (l: MessageBudget) => at - parseDuration(l.window, 'message budget window');
  const sent = await storage.sends.cappedSentAt(customer.id, Math.min(...all.map(since)));
  const [budget, ...others] = all.map((l) => ({ ...l, sentAt: sent.filter((t) => t >= since(l)) }));
  const verdict = arbitrate(item.key, await contenders(storage, item, at), budget!, others, at);
  if (verdict.send) return null;
  if (choice.overBudget !== 'defer') return { status: 'skipped', reason: verdict.reason };
  const zone = customer.timezone && isValidTimeZone(customer.timezone) ? customer.timezone : 'UTC';
  const hours = { days: WEEKDAYS, startHour: choice.sendFromHour ?? 8, endHour: choice.sendUntilHour ?? 21 };
  const until = nextWindowStart(new Date(verdict.freeAt), hours, zone) ?? new Date(verdict.freeAt);
  return { status: 'deferred', reason: `${verdict.reason}; deferred to ${until.toISOString()}`, until };
}
