/**
 * The dialect-neutral storage contract. Only implementations of this
 * interface speak SQL; the executor, scheduler and API use nothing else.
 * Every method is async so a networked database fits behind it. Batch
 * methods take arrays: one call, one round trip, one transaction.
 */
export type RunStatus = 'active' | 'waiting' | 'completed' | 'converted' | 'exited' | 'failed';
export const OPEN_RUN_STATUSES: readonly RunStatus[] = ['active', 'waiting'];
export type JourneyStatus = 'draft' | 'live' | 'paused' | 'archived';

export interface CustomerRecord {
  id: number;
  externalId: string;
  email: string | null;
  attributes: Record<string, unknown>;
  timezone: string | null;
  consent: Record<string, boolean>;
  unsubscribedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface CustomerUpsert {
  externalId: string;
  email?: string | null;
  /** Merged into the stored attributes (keys set to null are removed). */
  attributes?: Record<string, unknown>;
  timezone?: string | null;
  consent?: Record<string, boolean>;
}

export interface ProfileChange {
  customerId: number;
  set?: Record<string, unknown>;
  increment?: Record<string, number>;
  addTags?: string[];
  removeTags?: string[];
}

export interface EventInput {
  customerId: number;
  type: string;
  properties: Record<string, unknown>;
  occurredAt: number;
  idempotencyKey?: string | null;
  /** Store as already processed (history loaded before a simulation starts). */
  processed?: boolean;
}

export interface EventRecord extends EventInput {
  id: number;
  receivedAt: number;
}

export interface OrderInput {
  customerId: number;
  orderId: string;
  orderedAt: number;
  amount: number;
  quantity?: number;
  items?: string[];
}

export interface OrderRecord extends Required<OrderInput> {
  id: number;
}

export interface JourneyRecord {
  id: string;
  name: string;
  status: JourneyStatus;
  draft: unknown;
  liveVersion: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface JourneyVersionRecord {
  journeyId: string;
  version: number;
  graph: unknown;
  publishedAt: number;
}

export interface StoredWait {
  /** When the wait began. */
  since: number;
  /**
   * When the wait ends on its own (event time). Kept apart from the run's `wakeAt`, which a
   * re-plan (a moved prediction) sets to now: an awaited event still counts up to this instant.
   */
  until?: number;
  event?: { type: string; where?: unknown[]; port: string };
  timeoutPort?: string;
  /** Set when the awaited event arrived while the journey was paused: leave through it on resume. */
  resumePort?: string;
}

export interface RunRecord {
  id: number;
  journeyId: string;
  version: number;
  customerId: number;
  nodeId: string;
  /** Bumped on every committed transition; (nodeId, visit) is the compare-and-set token. */
  visit: number;
  status: RunStatus;
  wakeAt: number | null;
  waitEvent: string | null;
  wait: StoredWait | null;
  enteredAt: number;
  nodeEnteredAt: number;
  updatedAt: number;
  endedAt: number | null;
  endReason: string | null;
  state: Record<string, unknown>;
  error: string | null;
}

export interface HistoryInput {
  runId: number;
  visit: number;
  nodeId: string;
  at: number;
  /** enter | port | wait | resume | exit | complete | convert | fail */
  kind: string;
  port?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface HistoryRecord extends HistoryInput {
  id: number;
}

export interface OutboxInput {
  key: string;
  runId: number;
  journeyId: string;
  nodeId: string;
  customerId: number;
  kind: string;
  payload: Record<string, unknown>;
}

/**
 * `claimed`: leased by a worker, not yet on the wire (a crash returns it to `pending`).
 * `sending`: handed to the transport; a crash leaves it `unknown` (it may or may not have arrived).
 * `cancelled`: its journey was archived before it went out.
 */
export type OutboxStatus = 'pending' | 'claimed' | 'sending' | 'sent' | 'skipped' | 'failed' | 'unknown' | 'cancelled';

/** One delivery outcome. `pending` with no `nextAttemptAt` releases a claimed entry untouched. */
export interface OutboxResult {
  key: string;
  status: OutboxStatus;
  error?: string | null;
  detail?: Record<string, unknown> | null;
  nextAttemptAt?: number;
  /** The start did not count as a delivery attempt (deferred by policy): `attempts` goes back down, so retries stay intact. */
  notAnAttempt?: boolean;
}

/** What `recover` did: leases of stopped workers returned or settled, entries of archived journeys cancelled. */
export interface OutboxRecovery {
  /** Claimed but never started: back to `pending`. */
  released: number;
  /** On the wire when their worker stopped: `unknown`. */
  unknown: number;
  /** Pending entries of archived journeys. */
  cancelled: number;
}

export interface OutboxRecord extends OutboxInput {
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  detail: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
}

export interface CounterDelta {
  journeyId: string;
  version: number;
  nodeId: string;
  key: string;
  by: number;
}

/**
 * A run's claim to enter a journey, decided by the database when its unit commits,
 * so two workers or processes can never both enrol a customer against the journey's
 * re-entry rule. Storage keeps one lock per journey × customer (last entry time and
 * run). A claim is granted when there is no lock yet, or when `minGapMs` is not null,
 * at least `minGapMs` passed since the last entry and the last entry's run has ended.
 * A refused claim fails its whole unit, like a compare-and-set conflict.
 */
export interface EntryClaim {
  journeyId: string;
  customerId: number;
  /** The run that enters (inserted by the same unit). */
  runId: number;
  at: number;
  /** null: `once` (never again); 0: `always` (after the open run ends); otherwise `after`. */
  minGapMs: number | null;
}

/**
 * Everything one unit of work changes. A unit commits entirely or not at
 * all; a unit whose compare-and-set fails is rolled back alone, so the
 * other units of the batch still land (group commit).
 */
export interface StepUnit {
  /** Events this unit consumed: marked processed. */
  eventIds: number[];
  inserts: RunRecord[];
  updates: { run: RunRecord; expect: { nodeId: string; visit: number } }[];
  history: HistoryInput[];
  outbox: OutboxInput[];
  counters: CounterDelta[];
  profiles: ProfileChange[];
  /** Entries this unit makes: each must be granted or the unit is rolled back. */
  entries?: EntryClaim[];
  /**
   * Outbox entries this unit takes back (a run corrected onto another path): each still `pending`
   * is marked `skipped` with the reason; one already being sent or settled is left as it is.
   */
  withdrawn?: { key: string; reason: string }[];
}

export interface Lease {
  now: number;
  owner: string;
  leaseMs: number;
  limit: number;
}

export interface CustomerStore {
  upsert(inputs: CustomerUpsert[], now: number): Promise<number[]>;
  /** Ids for external ids; missing ones are created when `create` is true. */
  resolve(externalIds: string[], now: number, create: boolean): Promise<Map<string, number>>;
  get(ids: number[]): Promise<CustomerRecord[]>;
  byExternalId(externalId: string): Promise<CustomerRecord | null>;
  list(opts: { limit: number; offset: number; search?: string }): Promise<CustomerRecord[]>;
  count(): Promise<number>;
  setUnsubscribed(id: number, at: number | null): Promise<void>;
  /** Customers whose profile changed after `after`, in (updatedAt, id) order. */
  changedSince(after: ChangeMark, limit: number): Promise<ChangeMark[]>;
  /** The newest change, or null when there are no customers. */
  lastChange(): Promise<ChangeMark | null>;
}

/** A point in the order profiles changed in: (updatedAt, id). */
export interface ChangeMark {
  updatedAt: number;
  id: number;
}

export interface EventStore {
  /** Returns each event's new id, or null when its idempotency key was seen before. */
  insert(events: EventInput[], now: number): Promise<(number | null)[]>;
  /** Claims unprocessed events in id order under a lease. */
  claim(lease: Lease): Promise<EventRecord[]>;
  list(customerId: number, opts: { type?: string; since?: number; limit?: number }): Promise<EventRecord[]>;
  /**
   * Events of these customers and types already processed (marked by a commit) that occurred at or
   * after `since`, in event-time order (occurredAt, then id). A new run sees those dated after its entry.
   */
  processedSince(customerIds: number[], since: number, types: string[]): Promise<EventRecord[]>;
  unprocessedCount(): Promise<number>;
}

export interface OrderStore {
  /** Returns true where the order was new (order ids are unique). */
  insert(orders: OrderInput[]): Promise<boolean[]>;
  /** The external id of the customer each of these order ids is stored for (absent ids are left out). */
  owners(orderIds: string[]): Promise<Map<string, string>>;
  list(customerId: number): Promise<OrderRecord[]>;
  listAll(opts: { limit: number; afterId: number }): Promise<OrderRecord[]>;
}

export interface JourneyStore {
  saveDraft(j: { id: string; name: string; draft: unknown }, now: number): Promise<JourneyRecord>;
  get(id: string): Promise<JourneyRecord | null>;
  list(): Promise<JourneyRecord[]>;
  /** Stores an immutable version and makes it the live one; returns its number. */
  publish(id: string, graphFor: (version: number) => unknown, now: number): Promise<number>;
  version(id: string, version: number): Promise<JourneyVersionRecord | null>;
  versions(id: string): Promise<JourneyVersionRecord[]>;
  setStatus(id: string, status: JourneyStatus, now: number): Promise<void>;
  /** Changes whenever any journey changes: a cheap cache key for workers. */
  revision(): Promise<number>;
}

export interface RunStore {
  /** Reserves `n` consecutive run ids and returns the first. */
  reserveIds(n: number): Promise<number>;
  openForCustomers(customerIds: number[]): Promise<RunRecord[]>;
  /** Latest entry time per customer in a journey. */
  lastEntries(journeyId: string, customerIds: number[]): Promise<Map<number, number>>;
  claimDue(lease: Lease): Promise<RunRecord[]>;
  commit(units: StepUnit[], now: number): Promise<{ failed: number[] }>;
  get(id: number): Promise<RunRecord | null>;
  forCustomer(customerId: number): Promise<RunRecord[]>;
  history(runId: number): Promise<HistoryRecord[]>;
  /**
   * Earliest time an open run of a journey that is not paused can be claimed:
   * its wake time, or its lease expiry when another worker holds it longer.
   */
  nextWakeAt(): Promise<number | null>;
  /**
   * The earliest wake time later than `now` of any open run, read from the due index alone (cheap with a
   * million waiting): the engine loop sleeps until then instead of a whole poll interval.
   */
  nextWakeAfter(now: number): Promise<number | null>;
  /** Wake waiting runs at the given nodes now (e.g. when a prediction moved). */
  wakeWaitingAt(journeyNodes: { journeyId: string; nodeId: string }[], now: number): Promise<number>;
  counters(journeyId: string): Promise<{ version: number; nodeId: string; key: string; count: number }[]>;
  waitingByNode(journeyId: string): Promise<{ nodeId: string; count: number }[]>;
  countByStatus(journeyId?: string): Promise<Record<string, number>>;
}

export interface OutboxStore {
  /**
   * Leases due `pending` entries as `claimed` (attempts unchanged). Skips entries of paused or
   * archived journeys, kinds in `exceptKinds` (delivery paused for them) and customers with an
   * entry already claimed or sending.
   */
  claim(lease: Lease & { exceptKinds?: string[] }): Promise<OutboxRecord[]>;
  /**
   * One group commit of delivery progress: `results` settle (status, error, detail, next attempt),
   * and the `start` keys go from `claimed` to `sending` (attempts + 1, lease renewed from `now`)
   * before they are sent, but only where `owner` still holds the claim (a lease that expired may
   * have passed to another worker). Returns the keys that started: send only those.
   */
  settle(results: OutboxResult[], now: number, start?: { owner: string; leaseMs: number; keys: string[] }): Promise<string[]>;
  /**
   * Run before claiming. Expired leases: `claimed` goes back to `pending`; `sending` becomes
   * `unknown` and is never resent automatically (no double send). Pending entries of archived
   * journeys become `cancelled` with the reason.
   */
  recover(now: number): Promise<OutboxRecovery>;
  /** Operator action: `unknown` (or `failed`) entries, all or the given keys, back to `pending` now. Returns how many. */
  requeue(filter: { status: 'unknown' | 'failed'; keys?: string[] }, now: number): Promise<number>;
  get(key: string): Promise<OutboxRecord | null>;
  list(opts: { customerId?: number; kind?: string; status?: OutboxStatus; since?: number; limit?: number }): Promise<OutboxRecord[]>;
  countSent(customerId: number, kinds: string[], since: number): Promise<number>;
  /** Earliest next attempt among pending entries of journeys that are not paused or archived. */
  nextAttemptAt(): Promise<number | null>;
  countByStatus(): Promise<Record<string, number>>;
}

export interface ScoreRecord {
  customerId: number;
  model: string;
  value: number | null;
  data: Record<string, unknown>;
  modelVersion: string;
  scoredAt: number;
}

export interface ScoreStore {
  put(rows: ScoreRecord[]): Promise<void>;
  forCustomer(customerId: number): Promise<ScoreRecord[]>;
}

export interface SegmentRecord {
  name: string;
  definition: unknown;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface SegmentStore {
  save(s: { name: string; definition: unknown; description?: string | null }, now: number): Promise<void>;
  get(name: string): Promise<SegmentRecord | null>;
  list(): Promise<SegmentRecord[]>;
  delete(name: string): Promise<boolean>;
}

export type UserRole = 'admin' | 'editor';

export interface UserRecord {
  id: number;
  email: string;
  /** scrypt hash with its parameters and salt (see engine/auth/password.ts); never the password. */
  passwordHash: string;
  role: UserRole;
  createdAt: number;
  updatedAt: number;
}

export interface SessionRecord {
  /** SHA-256 of the cookie token: a leaked database cannot be replayed as sessions. */
  tokenHash: string;
  userId: number;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

export type ApiKeyScope = 'track' | 'admin';

export interface ApiKeyRecord {
  id: number;
  name: string;
  /** The key's first characters, shown in lists so a key can be recognised without being stored. */
  prefix: string;
  keyHash: string;
  scope: ApiKeyScope;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** Ingestion requests per second; null: the server's default (FORESIGHT_INGEST_RATE_LIMIT); 0: unlimited, for trusted server-side keys. */
  rateLimit: number | null;
}

export interface AuthStore {
  /** Returns null when the email is taken. */
  createUser(u: { email: string; passwordHash: string; role: UserRole }, now: number): Promise<UserRecord | null>;
  userByEmail(email: string): Promise<UserRecord | null>;
  userById(id: number): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
  setPassword(userId: number, passwordHash: string, now: number): Promise<void>;
  /** Stores a session and drops every session expired by its `createdAt`. */
  createSession(s: SessionRecord): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  session(tokenHash: string, now: number): Promise<SessionRecord | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of a user (password change, removal). */
  deleteSessionsOf(userId: number): Promise<void>;
  createApiKey(k: { name: string; prefix: string; keyHash: string; scope: ApiKeyScope; rateLimit?: number | null }, now: number): Promise<ApiKeyRecord>;
  /** The key if it exists and is not revoked; records its use. */
  useApiKey(keyHash: string, now: number): Promise<ApiKeyRecord | null>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** False when no such key is active. */
  revokeApiKey(id: number, now: number): Promise<boolean>;
}

/**
 * Retention (engine/jobs/retention.ts): what may go once it is older than the
 * configured age. Each call is one small transaction over a window of at most
 * `limit` rows in id order, so pruning never holds the database for long, and a
 * crash between calls loses nothing that should stay. Counters (node_counters),
 * runs themselves and open runs' data are never touched.
 */
export interface RetentionStore {
  /**
   * Looks at the step-history rows after id `afterId` (at most `limit`) and deletes those of runs that
   * ended before `before`, with those runs' settled outbox entries (`sent`, `failed`, `skipped`).
   * Settled entries move to the message archive first (without payload), so message analytics stay exact.
   * `next`: the id to continue after, or null once the window reached rows from `before` on (or the end).
   */
  pruneHistory(before: number, afterId: number, limit: number): Promise<{ history: number; deliveries: number; next: number | null }>;
  /** The same walk over events: deletes processed ones received before `before`; unprocessed events stay. */
  pruneEvents(before: number, afterId: number, limit: number): Promise<{ events: number; next: number | null }>;
  /**
   * The same walk over the send log (in the order sends were recorded): deletes sends from before `before`,
   * first adding them to per-minute counts in the same transaction, so the KPI page's "sent" stays exact.
   */
  pruneSends(before: number, afterSeq: number, limit: number): Promise<{ sends: number; next: number | null }>;
}

/** Numbers for operations dashboards (/metrics). */
export interface OpsStore {
  /** Open runs whose wake time has come by `now` but that no worker has moved yet: the due backlog. */
  dueRuns(now: number): Promise<number>;
}

export interface PrivacyStore {
  /**
   * Removes a customer's personal data in one transaction: profile fields,
   * event and order details, message payloads, run state and scores. Row counts
   * and timestamps stay, so journey and revenue statistics remain true.
   */
  erase(customerId: number, now: number): Promise<void>;
}

export interface SuppressionRecord {
  /** Lower-cased address. */
  email: string;
  /** Why mail to it stops, e.g. `bounce`, `complaint`, `unsubscribe`, `manual`. */
  reason: string;
  createdAt: number;
}

/** Addresses no mail may go to, whichever customer they belong to. Every send checks it. */
export interface SuppressionStore {
  /** Adds addresses (case-insensitive); an address already listed keeps its first reason. */
  add(entries: { email: string; reason: string }[], now: number): Promise<void>;
  remove(email: string): Promise<boolean>;
  /** Bulk lift (e.g. after a relay outage): removes entries of one reason added in [since, until]. Returns how many. */
  lift(filter: { reason: string; since?: number; until?: number }): Promise<number>;
  get(email: string): Promise<SuppressionRecord | null>;
  list(opts: { limit: number; offset: number }): Promise<SuppressionRecord[]>;
}

/**
 * Mail handed to the transport, written the moment it is sent. Frequency caps
 * count here rather than in the outbox, whose entries settle a batch at a time.
 */
export interface SendLogStore {
  record(send: { key: string; customerId: number; category: string; capped: boolean }, at: number): Promise<void>;
  /** Capped (non-exempt) sends to the customer at or after `since`. */
  countCapped(customerId: number, since: number): Promise<number>;
  /** When each capped send to the customer at or after `since` went, oldest first (when a message budget frees up). */
  cappedSentAt(customerId: number, since: number): Promise<number[]>;
  /** Every send to the customer at or after `since`, capped or not (the per-customer send rate limit). */
  countAll(customerId: number, since: number): Promise<number>;
}

export interface ModelReportRecord {
  id: number;
  /** The model version stamped on every score of that run. */
  version: string;
  createdAt: number;
  report: unknown;
}

/**
 * The scoring job's bulk reads (keyset pages, so a million customers stream through in
 * bounded memory) and its report history.
 */
export interface ModelStore {
  saveReport(r: { version: string; report: unknown }, now: number): Promise<ModelReportRecord>;
  /** The most recently saved report. */
  latestReport(): Promise<ModelReportRecord | null>;
  /** Customer ids greater than `afterId`, ascending. */
  customerIds(opts: { afterId: number; limit: number }): Promise<number[]>;
  /** Events of the given types with ids greater than `afterId`, in id order. */
  eventsOfTypes(types: string[], opts: { afterId: number; limit: number }): Promise<{ id: number; customerId: number; type: string; occurredAt: number }[]>;
  /** Mail sends from the send log after position `afterSeq`, in the order they were recorded. */
  sends(opts: { afterSeq: number; limit: number }): Promise<{ seq: number; customerId: number; sentAt: number }[]>;
  /** Stored scores of one model for customer ids greater than `afterCustomerId`, ascending. */
  scoresOf(model: string, opts: { afterCustomerId: number; limit: number }): Promise<ScoreRecord[]>;
}

/** One customer's standing in one saved segment, as last seen by the refresh job. */
export interface SegmentMemberRecord {
  segment: string;
  customerId: number;
  /** In the segment at the last refresh. */
  member: boolean;
  /** Times the customer has entered the segment: numbers each entry (and its event's idempotency key). */
  entries: number;
  changedAt: number;
}

/** Materialised segment membership: what the refresh job compares against to find who entered or left. */
export interface SegmentMembershipStore {
  /** Every customer ever recorded for the segment, members and leavers. */
  list(segment: string): Promise<SegmentMemberRecord[]>;
  /** Inserts or replaces rows (by segment and customer), in one transaction. */
  put(rows: SegmentMemberRecord[]): Promise<void>;
  /** Forgets a segment's membership and size history (when the segment is deleted). */
  clear(segment: string): Promise<void>;
  /** Records the segment's size at a full refresh (a second record at the same time replaces the first). */
  recordSize(segment: string, size: number, at: number): Promise<void>;
  /** The recorded sizes at or after `since`, oldest first. */
  sizes(segment: string, since: number): Promise<{ at: number; size: number }[]>;
}

/** Bulk reads behind segment evaluation: one query per page of customers instead of several per customer. */
export interface SegmentReadStore {
  /** Events of the given types for the customers, occurred in [since, until], newest first per customer. */
  events(customerIds: number[], types: string[], opts: { since?: number; until: number }): Promise<EventRecord[]>;
  /** The customers' orders placed at or before `until`. */
  orders(customerIds: number[], until: number): Promise<OrderRecord[]>;
  /** The customers' stored scores of the given models. */
  scores(customerIds: number[], models: string[]): Promise<ScoreRecord[]>;
  /**
   * Event types and profile attribute keys for the segment builder's pick lists, most
   * frequent first, read from the newest `sample` events and customers (cheap on any size).
   */
  vocabulary(opts: { sample: number; limit: number }): Promise<{ eventTypes: string[]; attributeKeys: string[] }>;
}

/** A half-open time range [from, to) in epoch ms. */
export interface TimeRange {
  from: number;
  to: number;
}

/** Customer and order counts behind the lifecycle KPIs for one period, for the whole base or one group of a split. */
export interface OrderFacts {
  /** The group's label (`all` without a split; `unknown` for customers without the label). */
  group: string;
  /** Customers with an order before the period. */
  customersAtStart: number;
  /** Customers whose first order falls in the period. */
  newCustomers: number;
  /** Customers at start who ordered again in the period. */
  returningCustomers: number;
  /** Customers with an order in the period. */
  buyers: number;
  /** Buyers with two or more orders in the period. */
  repeatBuyers: number;
  orders: number;
  revenue: number;
  /** Customers with an order before the period's end, and all their revenue until then. */
  lifetimeCustomers: number;
  lifetimeRevenue: number;
}

export interface NpsFacts {
  promoters: number;
  passives: number;
  detractors: number;
}

/** Email funnel of a period: messages sent, opened and clicked, and clickers who then ordered. */
export interface EmailFacts {
  sent: number;
  opened: number;
  clicked: number;
  clickers: number;
  /** Clickers with an order at or after their first click in the period. */
  converted: number;
}

/**
 * Aggregates for the KPI page, each one SQL aggregation (GROUP BY), never a
 * scan of rows in memory, so they hold at a million orders.
 */
export interface KpiStore {
  /** Order facts for the period; with `splitBy`, one row per label of that score model (e.g. `lifecycle` `stage`). */
  orders(range: TimeRange, splitBy?: { model: string; key: string }): Promise<OrderFacts[]>;
  /** NPS answers (0–10 in the `score` property) of the given event types in the period. */
  nps(range: TimeRange, eventTypes: string[]): Promise<NpsFacts>;
  email(range: TimeRange): Promise<EmailFacts>;
  /** Mean stored value of one model's scores (e.g. predicted CLV), over the customers that have one. */
  averageScore(model: string): Promise<{ customers: number; average: number | null }>;
  /**
   * Cohort table: customers by the bucket of their first order (`cohort`, index into
   * `buckets`) and how many buckets later they ordered (`offset`, 0 = the cohort's size).
   */
  cohorts(buckets: TimeRange[]): Promise<{ cohort: number; offset: number; customers: number }[]>;
}

/** One customer's first exposure to a journey or a message, and their revenue after it within the window. */
export interface LiftExposure {
  customerId: number;
  /** When the customer entered the journey, or the message was queued (journey time). */
  start: number;
  /** Kept out as a control: the run ended for `holdout`, or the message carried `holdout: true`. */
  heldOut: boolean;
  /** Sum of the customer's orders after `start`, within `start + windowMs` and not after `asOf`. */
  revenue: number;
}

/**
 * Exposures behind the lift report, one row per customer. `windowMs` null: no window, every
 * order up to `asOf` counts. Goal conversions are read separately (events.processedSince),
 * since goal filters are matched in code.
 */
export interface LiftStore {
  /** Each customer's first run of the journey entered by `asOf`. */
  journeyExposures(journeyId: string, windowMs: number | null, asOf: number): Promise<LiftExposure[]>;
  /** Each customer's first outbox entry from the journey's node queued by `asOf`, those retention moved to the message archive included. */
  messageExposures(journeyId: string, nodeId: string, windowMs: number | null, asOf: number): Promise<LiftExposure[]>;
}

/**
 * Where the waiting runs at one node of the old version go: `to` a node of the new version
 * (`replan`: the run's wait is planned again by that node, woken now; otherwise it keeps its
 * wake time and wait), or `exit` (the run ends as `exited`, reason `migration`).
 */
export interface RunMove {
  from: string;
  /** The node of the new version, or null: the run ends (a node may be named `exit`). */
  to: string | null;
  replan: boolean;
}

/** Moving waiting runs of a journey onto a newer version (POST /api/journeys/:id/migrate). */
export interface RunMoveStore {
  /** Waiting runs of the journey version per node. */
  waiting(journeyId: string, version: number): Promise<{ nodeId: string; count: number }[]>;
  /**
   * One transaction over every move: each waiting run of `journeyId` v`from` at a move's node
   * goes where the move says, with its visit bumped (the executor's compare-and-set token, so a
   * worker that read the run before writes nothing), and a `migrate` history row. A run a worker
   * holds right now (an unexpired lease) is left as it is and counted in `busy`: ask again.
   */
  apply(m: { journeyId: string; from: number; to: number; moves: RunMove[] }, now: number): Promise<{ moved: number; exited: number; busy: number }>;
}

/** Engagement the tracking links record, once per message (see engine/messaging/tracking-router.ts). */
export type EngagementType = 'opened' | 'clicked' | 'unsubscribed';

/**
 * What a journey's message analytics are computed from, each part one SQL aggregation over its
 * outbox entries (live ones and those retention archived) and engagement rows. Days are UTC days,
 * as the epoch ms of their start.
 */
export interface MessageFacts {
  /** Entries per node, kind, status and error (null where none). */
  outcomes: { nodeId: string; kind: string; status: OutboxStatus; error: string | null; count: number }[];
  /** Distinct customers with a sent message, per node. */
  recipients: { nodeId: string; customers: number }[];
  /** Sent messages per node and day (the day it was sent). */
  sends: { nodeId: string; day: number; count: number }[];
  /** Messages opened / clicked / unsubscribed from, per node (each message counted once per type). */
  engagement: { nodeId: string; type: EngagementType; count: number }[];
  /**
   * Orders attributed per node and day of the order: each order goes to the journey's last message
   * sent to its customer at or before it, when it came less than `attributionMs` after that send.
   */
  attributed: { nodeId: string; day: number; orders: number; revenue: number }[];
}

/** One line of a delivery log: a message, its recipient and what became of it. */
export interface DeliveryLogEntry {
  key: string;
  journeyId: string;
  nodeId: string;
  customerId: number;
  externalId: string;
  /** Where it went (the address the send recorded), else for an email the customer's current address; null for other kinds. */
  address: string | null;
  kind: string;
  status: OutboxStatus;
  error: string | null;
  attempts: number;
  subject: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryLogFilter {
  journeyId?: string;
  customerId?: number;
  status?: OutboxStatus;
  /** Part of the customer's or recipient's email address, or the customer's exact external id. */
  search?: string;
  limit: number;
  offset: number;
}

/** Message analytics and the delivery log: reads that stay exact after retention prunes (see RetentionStore). */
export interface AnalyticsStore {
  /** Records one open / click / unsubscribe of a message; false when that message already had one of that type. */
  recordEngagement(e: { key: string; type: EngagementType; journeyId: string; nodeId: string; customerId: number }, at: number): Promise<boolean>;
  messages(journeyId: string, opts: { attributionMs: number }): Promise<MessageFacts>;
  /** Newest first; `total` counts every entry matching the filter. */
  deliveries(filter: DeliveryLogFilter): Promise<{ total: number; entries: DeliveryLogEntry[] }>;
  /**
   * Per variant of an A/B split: customers whose run took that port (the value of `stateKey` in the
   * run's state, where the executor records a split's choice), and their orders (count and revenue)
   * placed from the run's entry until `windowMs` after it.
   */
  variantRevenue(journeyId: string, stateKey: string, windowMs: number): Promise<{ variant: string; customers: number; orders: number; revenue: number }[]>;
}

/** Installation-wide settings kept once (e.g. `brand`), each a JSON value under a key. */
export interface SettingsStore {
  get(key: string): Promise<unknown | null>;
  put(key: string, value: unknown, now: number): Promise<void>;
}

/** One catalogue product, keyed by the shop's item id (the id orders and recommendations use). */
export interface ProductRecord {
  itemId: string;
  name: string;
  url: string;
  imageUrl: string | null;
  price: number | null;
  category: string | null;
}

export interface ProductStore {
  /** Inserts or replaces products by item id; returns how many were written. */
  upsert(products: ProductRecord[], now: number): Promise<number>;
  /** The products with these item ids that exist, in no particular order. */
  get(itemIds: string[]): Promise<ProductRecord[]>;
  list(opts: { limit: number; offset: number }): Promise<ProductRecord[]>;
  count(): Promise<number>;
  delete(itemId: string): Promise<boolean>;
}

export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  runMoves: RunMoveStore;
  customers: CustomerStore;
  events: EventStore;
  orders: OrderStore;
  journeys: JourneyStore;
  runs: RunStore;
  outbox: OutboxStore;
  scores: ScoreStore;
  segments: SegmentStore;
  auth: AuthStore;
  privacy: PrivacyStore;
  ops: OpsStore;
  retention: RetentionStore;
  suppressions: SuppressionStore;
  sends: SendLogStore;
  models: ModelStore;
  segmentMembers: SegmentMembershipStore;
  segmentReads: SegmentReadStore;
  kpis: KpiStore;
  lift: LiftStore;
  analytics: AnalyticsStore;
  settings: SettingsStore;
  products: ProductStore;
  close(): Promise<void>;
}
