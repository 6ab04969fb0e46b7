import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, primaryKey, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL twin of ../sqlite/schema.ts: the same tables, columns and indexes
 * (drizzle cannot share one definition across dialects). Differences: times and ids
 * are bigint (epoch ms overflow int4), JSON is jsonb, and two tables only Postgres needs
 * (job_leases, and email_sends.seq standing in for SQLite's rowid).
 */
const int8 = (name: string) => bigint(name, { mode: 'number' });

// Times are epoch milliseconds (bigint): cheap to compare, index and move on a virtual clock.

export const customers = pgTable(
  'customers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    externalId: text('external_id').notNull().unique(),
    email: text('email'),
    attributes: jsonb('attributes').notNull().$type<Record<string, unknown>>().default({}),
    timezone: text('timezone'),
    consent: jsonb('consent').notNull().$type<Record<string, boolean>>().default({}),
    unsubscribedAt: int8('unsubscribed_at'),
    createdAt: int8('created_at').notNull(),
    updatedAt: int8('updated_at').notNull(),
  },
  // Profiles changed since a point: what segment membership re-checks between full refreshes.
  (t) => [index('customers_changed').on(t.updatedAt, t.id)],
);

export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    customerId: int8('customer_id').notNull(),
    type: text('type').notNull(),
    properties: jsonb('properties').notNull().$type<Record<string, unknown>>().default({}),
    occurredAt: int8('occurred_at').notNull(),
    receivedAt: int8('received_at').notNull(),
    idempotencyKey: text('idempotency_key'),
    processed: int8('processed').notNull().default(0),
  },
  (t) => [
    uniqueIndex('events_idempotency').on(t.idempotencyKey),
    index('events_customer_type').on(t.customerId, t.type, t.occurredAt),
    index('events_unprocessed').on(t.id).where(sql`processed = 0`),
  ],
);

/**
 * Leases on ranges of the events inbox: a worker claims a batch with one row here
 * rather than a lease written into every event. Unprocessed events inside a live
 * range are taken; a range expires with its lease, and its unprocessed events are
 * claimed again.
 */
export const eventClaims = pgTable('event_claims', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  owner: text('owner').notNull(),
  fromId: int8('from_id').notNull(),
  toId: int8('to_id').notNull(),
  expires: int8('expires').notNull(),
});

export const orders = pgTable(
  'orders',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    customerId: int8('customer_id').notNull(),
    orderId: text('order_id').notNull(),
    orderedAt: int8('ordered_at').notNull(),
    amount: doublePrecision('amount').notNull(),
    quantity: int8('quantity').notNull().default(1),
    items: jsonb('items').notNull().$type<string[]>().default([]),
  },
  // `amount` makes the customer index covering for the KPI aggregates (as in the SQLite schema).
  (t) => [uniqueIndex('orders_order_id').on(t.orderId), index('orders_customer').on(t.customerId, t.orderedAt, t.amount)],
);

export const journeys = pgTable('journeys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  status: text('status').notNull().$type<'draft' | 'live' | 'paused' | 'archived'>().default('draft'),
  draft: jsonb('draft').notNull().$type<unknown>(),
  liveVersion: int8('live_version'),
  createdAt: int8('created_at').notNull(),
  updatedAt: int8('updated_at').notNull(),
});

export const journeyVersions = pgTable(
  'journey_versions',
  {
    journeyId: text('journey_id').notNull(),
    version: int8('version').notNull(),
    graph: jsonb('graph').notNull().$type<unknown>(),
    publishedAt: int8('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.version] })],
);

export const runs = pgTable(
  'runs',
  {
    id: int8('id').primaryKey(),
    journeyId: text('journey_id').notNull(),
    version: int8('version').notNull(),
    customerId: int8('customer_id').notNull(),
    nodeId: text('node_id').notNull(),
    visit: int8('visit').notNull(),
    status: text('status').notNull(),
    wakeAt: int8('wake_at'),
    waitEvent: text('wait_event'),
    wait: jsonb('wait'),
    enteredAt: int8('entered_at').notNull(),
    nodeEnteredAt: int8('node_entered_at').notNull(),
    updatedAt: int8('updated_at').notNull(),
    endedAt: int8('ended_at'),
    endReason: text('end_reason'),
    state: jsonb('state').notNull().$type<Record<string, unknown>>().default({}),
    error: text('error'),
    leaseOwner: text('lease_owner'),
    leaseExpires: int8('lease_expires'),
  },
  (t) => [
    index('runs_due').on(t.wakeAt).where(sql`status IN ('active', 'waiting') AND wake_at IS NOT NULL`),
    index('runs_open_customer').on(t.customerId).where(sql`status IN ('active', 'waiting')`),
    index('runs_journey_customer').on(t.journeyId, t.customerId, t.enteredAt),
    index('runs_journey_node').on(t.journeyId, t.nodeId, t.status),
  ],
);

export const runHistory = pgTable(
  'run_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: int8('run_id').notNull(),
    visit: int8('visit').notNull(),
    nodeId: text('node_id').notNull(),
    at: int8('at').notNull(),
    kind: text('kind').notNull(),
    port: text('port'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [index('run_history_run').on(t.runId, t.id)],
);

export const outbox = pgTable(
  'outbox',
  {
    key: text('key').primaryKey(),
    runId: int8('run_id').notNull(),
    journeyId: text('journey_id').notNull(),
    nodeId: text('node_id').notNull(),
    customerId: int8('customer_id').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    status: text('status').notNull().default('pending'),
    attempts: int8('attempts').notNull().default(0),
    nextAttemptAt: int8('next_attempt_at').notNull(),
    lastError: text('last_error'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: int8('created_at').notNull(),
    updatedAt: int8('updated_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpires: int8('lease_expires'),
  },
  (t) => [
    index('outbox_due').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('outbox_customer').on(t.customerId, t.kind, t.createdAt),
    index('outbox_sending').on(t.customerId).where(sql`status = 'sending'`),
    // Retention removes a run's settled deliveries with its history.
    index('outbox_run').on(t.runId),
    // A message's lift report reads its entries per customer (engine/storage/*/lift.ts); message
    // analytics and the delivery log read them by journey and node (the index's prefix).
    index('outbox_journey_node').on(t.journeyId, t.nodeId, t.customerId, t.createdAt),
  ],
);

export const nodeCounters = pgTable(
  'node_counters',
  {
    journeyId: text('journey_id').notNull(),
    version: int8('version').notNull(),
    nodeId: text('node_id').notNull(),
    key: text('key').notNull(),
    count: int8('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.version, t.nodeId, t.key] })],
);

export const idSequences = pgTable('id_sequences', {
  name: text('name').primaryKey(),
  next: int8('next').notNull(),
});

export const scores = pgTable(
  'scores',
  {
    customerId: int8('customer_id').notNull(),
    model: text('model').notNull(),
    value: doublePrecision('value'),
    data: jsonb('data').notNull().$type<Record<string, unknown>>().default({}),
    modelVersion: text('model_version').notNull(),
    scoredAt: int8('scored_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.model] })],
);

export const segments = pgTable('segments', {
  name: text('name').primaryKey(),
  definition: jsonb('definition').notNull().$type<unknown>(),
  description: text('description'),
  createdAt: int8('created_at').notNull(),
  updatedAt: int8('updated_at').notNull(),
});

// Who was in each saved segment at the last refresh, so entries can be detected (and numbered).

export const segmentMembers = pgTable(
  'segment_members',
  {
    segment: text('segment').notNull(),
    customerId: int8('customer_id').notNull(),
    member: boolean('member').notNull(),
    entries: int8('entries').notNull(),
    changedAt: int8('changed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.segment, t.customerId] })],
);

// Each saved segment's size at every full refresh: the Segments page's size over time.
export const segmentSizes = pgTable(
  'segment_sizes',
  {
    segment: text('segment').notNull(),
    at: int8('at').notNull(),
    size: int8('size').notNull(),
  },
  (t) => [primaryKey({ columns: [t.segment, t.at] })],
);

// Auth: builder users, their sessions and API keys. Secrets are never stored:
// passwords as scrypt hashes, session tokens and API keys as SHA-256 digests.

export const users = pgTable('users', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').notNull().$type<'admin' | 'editor'>(),
  createdAt: int8('created_at').notNull(),
  updatedAt: int8('updated_at').notNull(),
});

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: int8('user_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: int8('created_at').notNull(),
    expiresAt: int8('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const apiKeys = pgTable('api_keys', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  scope: text('scope').notNull().$type<'track' | 'admin'>(),
  createdAt: int8('created_at').notNull(),
  lastUsedAt: int8('last_used_at'),
  revokedAt: int8('revoked_at'),
  /** Ingestion requests per second for this key; null: the server's default; 0: unlimited (a trusted server-side key). */
  rateLimit: integer('rate_limit'),
});

// Messaging: addresses never to mail again, and the log frequency caps count.

export const suppressions = pgTable('suppressions', {
  email: text('email').primaryKey(),
  reason: text('reason').notNull(),
  createdAt: int8('created_at').notNull(),
});

export const emailSends = pgTable(
  'email_sends',
  {
    key: text('key').primaryKey(),
    // The order sends were recorded in (SQLite uses its rowid): the scoring job pages through it.
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    customerId: int8('customer_id').notNull(),
    category: text('category').notNull(),
    capped: int8('capped').notNull(),
    sentAt: int8('sent_at').notNull(),
  },
  (t) => [index('email_sends_customer').on(t.customerId, t.sentAt)],
);

/** Sends the retention job removed from email_sends, counted per minute (its start, ms) so the KPI page's "sent" stays exact. */
export const emailSendsPruned = pgTable('email_sends_pruned', {
  minute: int8('minute').primaryKey(),
  sent: int8('sent').notNull(),
});

// Predictive models: one row per scoring run (parameters, holdout AUC, calibration) for the insights page.

export const modelReports = pgTable('model_reports', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  version: text('version').notNull(),
  createdAt: int8('created_at').notNull(),
  report: jsonb('report').notNull().$type<unknown>(),
});

// Recurring jobs run once per schedule across a fleet of workers: the worker that
// moves a job's `due` forward (compare-and-set on the row) runs it, the others skip.

/** One row per journey × customer: the database's check of the journey's re-entry rule (see sqlite/runs.ts). */
export const entryLocks = pgTable(
  'entry_locks',
  {
    journeyId: text('journey_id').notNull(),
    customerId: int8('customer_id').notNull(),
    enteredAt: int8('entered_at').notNull(),
    runId: int8('run_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.customerId] })],
);

export const jobLeases = pgTable('job_leases', {
  name: text('name').primaryKey(),
  /** The scheduled time last claimed, epoch ms. */
  due: int8('due').notNull(),
  owner: text('owner').notNull(),
  claimedAt: int8('claimed_at').notNull(),
});

// Message analytics (see ../sqlite/schema.ts): settled deliveries archived by retention, engagement once per message.

export const messageArchive = pgTable(
  'message_archive',
  {
    key: text('key').primaryKey(),
    runId: int8('run_id').notNull(),
    journeyId: text('journey_id').notNull(),
    nodeId: text('node_id').notNull(),
    customerId: int8('customer_id').notNull(),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    attempts: int8('attempts').notNull(),
    lastError: text('last_error'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: int8('created_at').notNull(),
    updatedAt: int8('updated_at').notNull(),
  },
  (t) => [index('message_archive_journey').on(t.journeyId, t.nodeId), index('message_archive_customer').on(t.customerId, t.updatedAt)],
);

export const messageEngagement = pgTable(
  'message_engagement',
  {
    key: text('key').notNull(),
    type: text('type').notNull(),
    journeyId: text('journey_id').notNull(),
    nodeId: text('node_id').notNull(),
    customerId: int8('customer_id').notNull(),
    at: int8('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.type] }), index('message_engagement_journey').on(t.journeyId, t.nodeId)],
);

// Settings kept once for the installation (brand), and the shop's product catalogue for emails.

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull().$type<unknown>(),
  updatedAt: int8('updated_at').notNull(),
});

export const products = pgTable('products', {
  itemId: text('item_id').primaryKey(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  imageUrl: text('image_url'),
  price: doublePrecision('price'),
  category: text('category'),
  updatedAt: int8('updated_at').notNull(),
});
