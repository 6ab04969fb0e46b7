import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are epoch milliseconds (integers): cheap to compare, index and move on a virtual clock.

export const customers = sqliteTable(
  'customers',
  {
    id: integer('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    email: text('email'),
    attributes: text('attributes', { mode: 'json' }).notNull().$type<Record<string, unknown>>().default({}),
    timezone: text('timezone'),
    consent: text('consent', { mode: 'json' }).notNull().$type<Record<string, boolean>>().default({}),
    unsubscribedAt: integer('unsubscribed_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  // Profiles changed since a point: what segment membership re-checks between full refreshes.
  (t) => [index('customers_changed').on(t.updatedAt, t.id)],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey(),
    customerId: integer('customer_id').notNull(),
    type: text('type').notNull(),
    properties: text('properties', { mode: 'json' }).notNull().$type<Record<string, unknown>>().default({}),
    occurredAt: integer('occurred_at').notNull(),
    receivedAt: integer('received_at').notNull(),
    idempotencyKey: text('idempotency_key'),
    processed: integer('processed').notNull().default(0),
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
export const eventClaims = sqliteTable('event_claims', {
  id: integer('id').primaryKey(),
  owner: text('owner').notNull(),
  fromId: integer('from_id').notNull(),
  toId: integer('to_id').notNull(),
  expires: integer('expires').notNull(),
});

export const orders = sqliteTable(
  'orders',
  {
    id: integer('id').primaryKey(),
    customerId: integer('customer_id').notNull(),
    orderId: text('order_id').notNull(),
    orderedAt: integer('ordered_at').notNull(),
    amount: real('amount').notNull(),
    quantity: integer('quantity').notNull().default(1),
    items: text('items', { mode: 'json' }).notNull().$type<string[]>().default([]),
  },
  // `amount` in the customer index makes it covering: the KPI aggregates (per-customer order counts
  // and revenue over a million orders) read the index alone instead of a random table lookup per row.
  (t) => [uniqueIndex('orders_order_id').on(t.orderId), index('orders_customer').on(t.customerId, t.orderedAt, t.amount)],
);

export const journeys = sqliteTable('journeys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  status: text('status').notNull().$type<'draft' | 'live' | 'paused' | 'archived'>().default('draft'),
  draft: text('draft', { mode: 'json' }).notNull().$type<unknown>(),
  liveVersion: integer('live_version'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const journeyVersions = sqliteTable(
  'journey_versions',
  {
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    graph: text('graph', { mode: 'json' }).notNull().$type<unknown>(),
    publishedAt: integer('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.version] })],
);

export const runs = sqliteTable(
  'runs',
  {
    id: integer('id').primaryKey(),
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    customerId: integer('customer_id').notNull(),
    nodeId: text('node_id').notNull(),
    visit: integer('visit').notNull(),
    status: text('status').notNull(),
    wakeAt: integer('wake_at'),
    waitEvent: text('wait_event'),
    wait: text('wait', { mode: 'json' }),
    enteredAt: integer('entered_at').notNull(),
    nodeEnteredAt: integer('node_entered_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    endedAt: integer('ended_at'),
    endReason: text('end_reason'),
    state: text('state', { mode: 'json' }).notNull().$type<Record<string, unknown>>().default({}),
    error: text('error'),
    leaseOwner: text('lease_owner'),
    leaseExpires: integer('lease_expires'),
  },
  (t) => [
    index('runs_due').on(t.wakeAt).where(sql`status IN ('active', 'waiting') AND wake_at IS NOT NULL`),
    index('runs_open_customer').on(t.customerId).where(sql`status IN ('active', 'waiting')`),
    index('runs_journey_customer').on(t.journeyId, t.customerId, t.enteredAt),
    index('runs_journey_node').on(t.journeyId, t.nodeId, t.status),
  ],
);

/**
 * One row per journey × customer who ever entered: the database's own guard on the
 * re-entry rule. A new entry upserts it only if the rule allows (see runs.ts), so two
 * engines on one file can never both enrol a customer.
 */
export const entryLocks = sqliteTable(
  'entry_locks',
  {
    journeyId: text('journey_id').notNull(),
    customerId: integer('customer_id').notNull(),
    enteredAt: integer('entered_at').notNull(),
    runId: integer('run_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.customerId] })],
);

export const runHistory = sqliteTable(
  'run_history',
  {
    id: integer('id').primaryKey(),
    runId: integer('run_id').notNull(),
    visit: integer('visit').notNull(),
    nodeId: text('node_id').notNull(),
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    port: text('port'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('run_history_run').on(t.runId, t.id)],
);

export const outbox = sqliteTable(
  'outbox',
  {
    key: text('key').primaryKey(),
    runId: integer('run_id').notNull(),
    journeyId: text('journey_id').notNull(),
    nodeId: text('node_id').notNull(),
    customerId: integer('customer_id').notNull(),
    kind: text('kind').notNull(),
    payload: text('payload', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpires: integer('lease_expires'),
  },
  (t) => [
    index('outbox_due').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('outbox_customer').on(t.customerId, t.kind, t.createdAt),
    // In flight (leased by a worker): what recovery scans for expired leases on every delivery pass.
    index('outbox_in_flight').on(t.leaseExpires).where(sql`status IN ('claimed', 'sending')`),
    // Retention removes a run's settled deliveries with its history.
    index('outbox_run').on(t.runId),
    // A message's lift report reads its entries per customer (engine/storage/*/lift.ts); message
    // analytics and the delivery log read them by journey and node (the index's prefix).
    index('outbox_journey_node').on(t.journeyId, t.nodeId, t.customerId, t.createdAt),
  ],
);

export const nodeCounters = sqliteTable(
  'node_counters',
  {
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    nodeId: text('node_id').notNull(),
    key: text('key').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.version, t.nodeId, t.key] })],
);

export const idSequences = sqliteTable('id_sequences', {
  name: text('name').primaryKey(),
  next: integer('next').notNull(),
});

export const scores = sqliteTable(
  'scores',
  {
    customerId: integer('customer_id').notNull(),
    model: text('model').notNull(),
    value: real('value'),
    data: text('data', { mode: 'json' }).notNull().$type<Record<string, unknown>>().default({}),
    modelVersion: text('model_version').notNull(),
    scoredAt: integer('scored_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.model] })],
);

export const segments = sqliteTable('segments', {
  name: text('name').primaryKey(),
  definition: text('definition', { mode: 'json' }).notNull().$type<unknown>(),
  description: text('description'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

// Who was in each saved segment at the last refresh, so entries can be detected (and numbered).

export const segmentMembers = sqliteTable(
  'segment_members',
  {
    segment: text('segment').notNull(),
    customerId: integer('customer_id').notNull(),
    member: integer('member', { mode: 'boolean' }).notNull(),
    entries: integer('entries').notNull(),
    changedAt: integer('changed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.segment, t.customerId] })],
);

// Each saved segment's size at every full refresh: the Segments page's size over time.
export const segmentSizes = sqliteTable(
  'segment_sizes',
  {
    segment: text('segment').notNull(),
    at: integer('at').notNull(),
    size: integer('size').notNull(),
  },
  (t) => [primaryKey({ columns: [t.segment, t.at] })],
);

// Auth: builder users, their sessions and API keys. Secrets are never stored:
// passwords as scrypt hashes, session tokens and API keys as SHA-256 digests.

export const users = sqliteTable('users', {
  id: integer('id').primaryKey(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').notNull().$type<'admin' | 'editor'>(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const apiKeys = sqliteTable('api_keys', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  scope: text('scope').notNull().$type<'track' | 'admin'>(),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at'),
  /** Ingestion requests per second for this key; null: the server's default; 0: unlimited (a trusted server-side key). */
  rateLimit: integer('rate_limit'),
});

// Messaging: addresses never to mail again, and the log frequency caps count.

export const suppressions = sqliteTable('suppressions', {
  email: text('email').primaryKey(),
  reason: text('reason').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const emailSends = sqliteTable(
  'email_sends',
  {
    key: text('key').primaryKey(),
    customerId: integer('customer_id').notNull(),
    category: text('category').notNull(),
    capped: integer('capped').notNull(),
    sentAt: integer('sent_at').notNull(),
  },
  (t) => [index('email_sends_customer').on(t.customerId, t.sentAt)],
);

/** Sends the retention job removed from email_sends, counted per minute (its start, ms) so the KPI page's "sent" stays exact. */
export const emailSendsPruned = sqliteTable('email_sends_pruned', {
  minute: integer('minute').primaryKey(),
  sent: integer('sent').notNull(),
});

// Predictive models: one row per scoring run (parameters, holdout AUC, calibration) for the insights page.

export const modelReports = sqliteTable('model_reports', {
  id: integer('id').primaryKey(),
  version: text('version').notNull(),
  createdAt: integer('created_at').notNull(),
  report: text('report', { mode: 'json' }).notNull().$type<unknown>(),
});

// Message analytics: what retention must not lose. Settled deliveries move here (without their
// payload, the bulk of an outbox row) when retention prunes their run, and every open, click and
// unsubscribe is kept once per message, so a journey's message numbers stay exact after pruning.

export const messageArchive = sqliteTable(
  'message_archive',
  {
    key: text('key').primaryKey(),
    runId: integer('run_id').notNull(),
    journeyId: text('journey_id').notNull(),
    nodeId: text('node_id').notNull(),
    customerId: integer('customer_id').notNull(),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('message_archive_journey').on(t.journeyId, t.nodeId), index('message_archive_customer').on(t.customerId, t.updatedAt)],
);

export const messageEngagement = sqliteTable(
  'message_engagement',
  {
    key: text('key').notNull(),
    /** opened | clicked | unsubscribed */
    type: text('type').notNull(),
    journeyId: text('journey_id').notNull(),
    nodeId: text('node_id').notNull(),
    customerId: integer('customer_id').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.type] }), index('message_engagement_journey').on(t.journeyId, t.nodeId)],
);

// Settings kept once for the installation (brand), and the shop's product catalogue for emails.

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull().$type<unknown>(),
  updatedAt: integer('updated_at').notNull(),
});

export const products = sqliteTable('products', {
  itemId: text('item_id').primaryKey(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  imageUrl: text('image_url'),
  price: real('price'),
  category: text('category'),
  updatedAt: integer('updated_at').notNull(),
});
