import type { Database } from 'better-sqlite3';
import type { PrivacyStore } from '../types.ts';
import { type PayloadDialect, SQLITE_PAYLOAD } from './lift.ts';

/** A holdout mark is kept through erasure: it is no personal data, and without it the erased customer would count as treated in the message's lift. */
const KEEP_HOLDOUT_ERROR = `CASE WHEN last_error = 'holdout' THEN last_error END`;

/** What erasure leaves of an outbox entry (pending and claimed ones, not yet on the wire, are never sent). */
export const erasedOutbox = (d: PayloadDialect) =>
  `payload = CASE WHEN ${d.heldOut('payload')} THEN ${d.json('{"holdout":true}')} ELSE ${d.json('{}')} END, detail = NULL, last_error = ${KEEP_HOLDOUT_ERROR}, status = CASE WHEN status IN ('pending', 'claimed') THEN 'skipped' ELSE status END`;
/** What erasure leaves of an archived delivery. */
export const ERASED_ARCHIVE = `detail = NULL, last_error = ${KEEP_HOLDOUT_ERROR}`;
/**
 * When erasure touches an outbox row: a withdrawn (pending) entry is settled now; a settled one keeps its
 * time, which is when it was sent, skipped or failed (message analytics count sends and attribute orders by it).
 */
export const ERASED_AT = (now: string) => `CASE WHEN status IN ('pending', 'claimed') THEN ${now} ELSE updated_at END`;
/** True for an outbox row whose customer was erased (erasure replaces the external id by `erased:<id>`). */
export const OF_ERASED_CUSTOMER = `EXISTS (SELECT 1 FROM customers c WHERE c.id = outbox.customer_id AND c.external_id = 'erased:' || c.id)`;

export function sqlitePrivacy(db: Database): PrivacyStore {
  const statements = [
    // The external id is the customer's key in the shop: replaced, so nothing links back.
    `UPDATE customers SET external_id = 'erased:' || id, email = NULL, attributes = '{}', timezone = NULL, consent = '{}', updated_at = @now WHERE id = @id`,
    `UPDATE events SET properties = '{}', idempotency_key = NULL WHERE customer_id = @id`,
    `UPDATE orders SET items = '[]' WHERE customer_id = @id`,
    `UPDATE outbox SET ${erasedOutbox(SQLITE_PAYLOAD)}, updated_at = ${ERASED_AT('@now')} WHERE customer_id = @id`,
    `UPDATE message_archive SET ${ERASED_ARCHIVE} WHERE customer_id = @id`,
    `UPDATE run_history SET detail = NULL WHERE run_id IN (SELECT id FROM runs WHERE customer_id = @id)`,
    // Open runs end here: nothing may be sent to someone who asked to be forgotten.
    `UPDATE runs SET status = 'exited', end_reason = 'erased', ended_at = @now, wake_at = NULL, wait_event = NULL, updated_at = @now WHERE customer_id = @id AND status IN ('active', 'waiting')`,
    `UPDATE runs SET state = '{}', wait = NULL, error = NULL WHERE customer_id = @id`,
    `DELETE FROM scores WHERE customer_id = @id`,
  ].map((sql) => db.prepare(sql));
  const eraseAll = db.transaction((id: number, now: number) => {
    for (const s of statements) s.run({ id, now });
  });
  return {
    async erase(customerId, now) {
      eraseAll(customerId, now);
      // With secure_delete the main file's pages are zeroed, but the write-ahead log still
      // holds the pages as they were: fold it into the file and truncate it.
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
  };
}
