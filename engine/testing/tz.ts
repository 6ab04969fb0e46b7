/**
 * Runs `fn` with the process's time zone set to `zone` (Node re-reads `TZ` when it is
 * assigned), then restores it: proves in one test run that a result does not depend on
 * the server's zone, whatever `TZ` the suite itself runs under.
 * @example const counts = await underTz('Asia/Tokyo', () => simulateSomething());
 */
export async function underTz<T>(zone: string, fn: () => T | Promise<T>): Promise<T> {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

/** Zones with a different offset from UTC and each other, for `underTz` loops. */
export const SERVER_ZONES = ['UTC', 'America/New_York', 'Asia/Tokyo'] as const;
