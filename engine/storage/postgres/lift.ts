import { journeyExposureSql, messageExposureSql, OPEN_WINDOW, type PayloadDialect, toExposure } from '../sqlite/lift.ts';
import type { LiftStore } from '../types.ts';
import type { Db } from './db.ts';

/* The same SQL as engine/storage/sqlite/lift.ts, with $n placeholders and jsonb's ->> for the payload flag. */
const positional = (n: number) => `$${n}::int8`;
const journeySql = journeyExposureSql((n) => (n === 1 ? '$1' : positional(n - 1)));
/** The outbox payload is jsonb here. */
export const PG_PAYLOAD: PayloadDialect = { heldOut: (c) => `(${c}->>'holdout') = 'true'`, json: (literal) => `'${literal}'::jsonb` };
const messageSql = messageExposureSql((n) => (n <= 2 ? `$${n}` : positional(n)), PG_PAYLOAD.heldOut);

export function pgLift(db: Db): LiftStore {
  return {
    async journeyExposures(journeyId, windowMs, asOf) {
      return (await db.query(journeySql, [journeyId, windowMs ?? OPEN_WINDOW, asOf])).map(toExposure);
    },
    async messageExposures(journeyId, nodeId, windowMs, asOf) {
      return (await db.query(messageSql, [journeyId, nodeId, windowMs ?? OPEN_WINDOW, asOf])).map(toExposure);
    },
  };
}
