import { ERASED_ARCHIVE, ERASED_AT, erasedOutbox } from '../sqlite/privacy.ts';
import { PG_PAYLOAD } from './lift.ts';
import type { PrivacyStore } from '../types.ts';
import type { Db } from './db.ts';

// The same erasure as on SQLite (see ../sqlite/privacy.ts for why each statement exists).
const STATEMENTS = [
  `UPDATE customers SET external_id = 'erased:' || id, email = NULL, attributes = '{}', timezone = NULL, consent = '{}', updated_at = $2 WHERE id = $1`,
  `UPDATE events SET properties = '{}', idempotency_key = NULL WHERE customer_id = $1`,
  `UPDATE orders SET items = '[]' WHERE customer_id = $1`,
  `UPDATE outbox SET ${erasedOutbox(PG_PAYLOAD)}, updated_at = ${ERASED_AT('$2')} WHERE customer_id = $1`,
  `UPDATE message_archive SET ${ERASED_ARCHIVE} WHERE customer_id = $1`,
  `UPDATE run_history SET detail = NULL WHERE run_id IN (SELECT id FROM runs WHERE customer_id = $1)`,
  `UPDATE runs SET status = 'exited', end_reason = 'erased', ended_at = $2, wake_at = NULL, wait_event = NULL, updated_at = $2 WHERE customer_id = $1 AND status IN ('active', 'waiting')`,
  `UPDATE runs SET state = '{}', wait = NULL, error = NULL WHERE customer_id = $1`,
  `DELETE FROM scores WHERE customer_id = $1`,
];

export function pgPrivacy(db: Db): PrivacyStore {
  return {
    async erase(customerId, now) {
      await db.tx(async (q) => {
        for (const s of STATEMENTS) await q(s, s.includes('$2') ? [customerId, now] : [customerId]);
      });
    },
  };
}
