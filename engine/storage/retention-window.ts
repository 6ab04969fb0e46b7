/** What both storages' retention share (engine/storage/types.ts RetentionStore). */

/** Settled deliveries: nothing more will happen to them ('unknown' waits for an operator and stays). */
export const SETTLED = "('sent', 'failed', 'skipped')";

/** Pruned sends are counted per minute: any KPI period that starts and ends on a minute (every zone's days do) stays exact. */
export const MINUTE = 60_000;

/**
 * Where the next window starts, or null when the walk is done: ids grow with time,
 * so a window ending on a row from `before` on has passed everything old enough.
 */
export function nextAfter(rows: { id: number; at: number }[], limit: number, before: number): number | null {
  const last = rows.at(-1);
  return !last || rows.length < limit || last.at >= before ? null : last.id;
}
