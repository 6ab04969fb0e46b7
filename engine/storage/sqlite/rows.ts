import type { CustomerRecord, EventRecord, OrderRecord, OutboxRecord, RunRecord, RunStatus, OutboxStatus, HistoryRecord } from '../types.ts';

// Raw rows (snake_case) to records. Used by the hot paths that bypass the query
// builder for speed, by both backends: SQLite hands JSON columns over as text,
// PostgreSQL (jsonb) already parsed.

type Row = Record<string, any>;

const json = <T>(v: unknown, fallback: T): T => (v == null ? fallback : typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function toCustomer(r: Row): CustomerRecord {
  return {
    id: r.id,
    externalId: r.external_id,
    email: r.email,
    attributes: json(r.attributes, {}),
    timezone: r.timezone,
    consent: json(r.consent, {}),
    unsubscribedAt: r.unsubscribed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toEvent(r: Row): EventRecord {
  return {
    id: r.id,
    customerId: r.customer_id,
    type: r.type,
    properties: json(r.properties, {}),
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    idempotencyKey: r.idempotency_key,
  };
}

export function toOrder(r: Row): OrderRecord {
  return {
    id: r.id,
    customerId: r.customer_id,
    orderId: r.order_id,
    orderedAt: r.ordered_at,
    amount: r.amount,
    quantity: r.quantity,
    items: json(r.items, []),
  };
}

export function toRun(r: Row): RunRecord {
  return {
    id: r.id,
    journeyId: r.journey_id,
    version: r.version,
    customerId: r.customer_id,
    nodeId: r.node_id,
    visit: r.visit,
    status: r.status as RunStatus,
    wakeAt: r.wake_at,
    waitEvent: r.wait_event,
    wait: json(r.wait, null),
    enteredAt: r.entered_at,
    nodeEnteredAt: r.node_entered_at,
    updatedAt: r.updated_at,
    endedAt: r.ended_at,
    endReason: r.end_reason,
    state: json(r.state, {}),
    error: r.error,
  };
}

export function toHistory(r: Row): HistoryRecord {
  return { id: r.id, runId: r.run_id, visit: r.visit, nodeId: r.node_id, at: r.at, kind: r.kind, port: r.port, detail: json(r.detail, null) };
}

export function toOutbox(r: Row): OutboxRecord {
  return {
    key: r.key,
    runId: r.run_id,
    journeyId: r.journey_id,
    nodeId: r.node_id,
    customerId: r.customer_id,
    kind: r.kind,
    payload: json(r.payload, {}),
    status: r.status as OutboxStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    detail: json(r.detail, null),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
