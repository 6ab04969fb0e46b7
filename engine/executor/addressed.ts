/**
 * Events may be addressed: `$onlyJourney` enrolls into that journey alone, `$exceptJourney` into
 * every journey but that one. Publishing a segment-triggered journey uses them to decide who of
 * the segment's current members enters it (see engine/publish/audience.ts) without changing what
 * other journeys on the same segment see.
 */
export const ONLY_JOURNEY = '$onlyJourney';
export const EXCEPT_JOURNEY = '$exceptJourney';

/** Whether an event with these properties may start a run of this journey. */
export function addressedTo(properties: Record<string, unknown>, journeyId: string): boolean {
  const only = properties[ONLY_JOURNEY];
  if (only !== undefined && only !== journeyId) return false;
  return properties[EXCEPT_JOURNEY] !== journeyId;
}
