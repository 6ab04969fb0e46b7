import { DateTime } from 'luxon';
import { parseDuration } from '../core/duration.ts';
import type { MessageFacts, Storage } from '../storage/types.ts';

/**
 * Orders count for a message when they come within the journey's goal window (`settings.goal.within`)
 * after it was sent, or within this default when the journey sets none.
 */
export const DEFAULT_ATTRIBUTION = '7d';
/** Distinct errors shown per node, most frequent first. */
const TOP_ERRORS = 3;

/**
 * Why a delivery was skipped, as a marketer reads it: the reasons engine/messaging/policy.ts,
 * the executor (a corrected path) and the outbox (archived journey, erasure) record, with the
 * numbers in them left out so equal reasons add up.
 */
const SKIP_REASONS: [RegExp, string][] = [
  [/^frequency cap/, 'frequency cap'],
  // engine/messaging/budget.ts names the winning journeys or the sends already counted.
  [/^budget \d+\//, 'message budget'],
  [/^send rate limit/, 'send rate limit'],
  [/^customer unsubscribed/, 'unsubscribed'],
  [/^no email consent/, 'no consent'],
  [/^address suppressed/, 'suppressed'],
  [/^customer has no email address/, 'no address'],
  [/^customer no longer exists/, 'customer erased'],
  [/^path corrected/, 'path corrected'],
  [/^journey archived/, 'journey archived'],
];

export function skipReason(error: string | null): string {
  // Erasure withdraws a customer's pending mail and clears its text with everything else.
  if (error === null) return 'customer erased';
  return SKIP_REASONS.find(([re]) => re.test(error))?.[1] ?? error;
}

/** An error with its addresses masked, so one bounce reason over many recipients counts as one error. */
export function errorKind(error: string | null): string {
  return (error ?? 'unknown error').replace(/<?[^\s<>@"]+@[^\s<>"]+>?/g, '<address>');
}

export interface DayPoint {
  /** UTC date, YYYY-MM-DD. */
  day: string;
  sent: number;
  conversions: number;
  revenue: number;
}

export interface NodeMessageStats {
  nodeId: string;
  kinds: string[];
  /** Waiting to go out (pending, or being sent now). */
  queued: number;
  sent: number;
  skipped: number;
  skippedBy: Record<string, number>;
  failed: number;
  topErrors: { error: string; count: number }[];
  /** On the wire when a worker stopped: may or may not have arrived (see /api/outbox?status=unknown). */
  unknown: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
  /** Distinct customers sent a message. */
  recipients: number;
  conversions: number;
  revenue: number;
  openRate: number | null;
  clickRate: number | null;
  conversionRate: number | null;
  revenuePerRecipient: number | null;
  daily: DayPoint[];
}

export interface JourneyMessageStats {
  /** The attribution window used, e.g. `7d`. */
  attribution: string;
  nodes: Record<string, NodeMessageStats>;
  sent: number;
  conversions: number;
  revenue: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const utcDay = (ms: number) => DateTime.fromMillis(ms, { zone: 'utc' }).toISODate()!;

/** Per-node message numbers and rates from the storage's facts (pure). */
export function messageStats(facts: MessageFacts, attribution: string): JourneyMessageStats {
  const nodes: Record<string, NodeMessageStats> = {};
  const errors = new Map<string, Map<string, number>>();
  const days = new Map<string, Map<string, DayPoint>>();
  const node = (nodeId: string) =>
    (nodes[nodeId] ??= {
      nodeId, kinds: [], queued: 0, sent: 0, skipped: 0, skippedBy: {}, failed: 0, topErrors: [], unknown: 0, opened: 0, clicked: 0, unsubscribed: 0,
      recipients: 0, conversions: 0, revenue: 0, openRate: null, clickRate: null, conversionRate: null, revenuePerRecipient: null, daily: [],
    });
  const point = (nodeId: string, ms: number) => {
    const byDay = days.get(nodeId) ?? days.set(nodeId, new Map()).get(nodeId)!;
    const day = utcDay(ms);
    return byDay.get(day) ?? byDay.set(day, { day, sent: 0, conversions: 0, revenue: 0 }).get(day)!;
  };
  for (const o of facts.outcomes) {
    const n = node(o.nodeId);
    if (!n.kinds.includes(o.kind)) n.kinds.push(o.kind);
    switch (o.status) {
      case 'pending':
      case 'claimed':
      case 'sending':
        n.queued += o.count;
        break;
      case 'sent':
        n.sent += o.count;
        break;
      case 'skipped':
      case 'cancelled': {
        const reason = skipReason(o.error);
        n.skipped += o.count;
        n.skippedBy[reason] = (n.skippedBy[reason] ?? 0) + o.count;
        break;
      }
      case 'failed': {
        n.failed += o.count;
        const byError = errors.get(o.nodeId) ?? errors.set(o.nodeId, new Map()).get(o.nodeId)!;
        const kind = errorKind(o.error);
        byError.set(kind, (byError.get(kind) ?? 0) + o.count);
        break;
      }
      case 'unknown':
        n.unknown += o.count;
        break;
    }
  }
  for (const r of facts.recipients) node(r.nodeId).recipients = r.customers;
  for (const e of facts.engagement) node(e.nodeId)[e.type] = e.count;
  for (const s of facts.sends) point(s.nodeId, s.day).sent += s.count;
  for (const a of facts.attributed) {
    const n = node(a.nodeId);
    n.conversions += a.orders;
    n.revenue += a.revenue;
    const p = point(a.nodeId, a.day);
    p.conversions += a.orders;
    p.revenue += a.revenue;
  }
  for (const n of Object.values(nodes)) {
    n.kinds.sort();
    n.topErrors = [...(errors.get(n.nodeId) ?? [])].map(([error, count]) => ({ error, count })).sort((a, b) => b.count - a.count || a.error.localeCompare(b.error)).slice(0, TOP_ERRORS);
    n.daily = [...(days.get(n.nodeId)?.values() ?? [])].sort((a, b) => a.day.localeCompare(b.day));
    n.openRate = ratio(n.opened, n.sent);
    n.clickRate = ratio(n.clicked, n.opened);
    n.conversionRate = ratio(n.conversions, n.clicked);
    n.revenuePerRecipient = ratio(n.revenue, n.recipients);
  }
  const all = Object.values(nodes);
  return {
    attribution,
    nodes,
    sent: all.reduce((s, n) => s + n.sent, 0),
    conversions: all.reduce((s, n) => s + n.conversions, 0),
    revenue: all.reduce((s, n) => s + n.revenue, 0),
  };
}

/** The attribution window of a journey document: its goal window, else the default. */
export function attributionWindow(graph: unknown): string {
  const within = (graph as { settings?: { goal?: { within?: unknown } } } | null)?.settings?.goal?.within;
  return typeof within === 'string' && within ? within : DEFAULT_ATTRIBUTION;
}

/** A journey's message analytics, attributed with the window of `graph` (its live version). */
export async function journeyMessageStats(storage: Storage, journeyId: string, graph: unknown): Promise<JourneyMessageStats> {
  const attribution = attributionWindow(graph);
  return messageStats(await storage.analytics.messages(journeyId, { attributionMs: parseDuration(attribution, 'settings.goal.within') }), attribution);
}
