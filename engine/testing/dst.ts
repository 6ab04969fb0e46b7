/**
 * Nights with a clock change (and one zone without DST), for tests of anything that turns
 * a local hour into an instant. Each row: zone, what happens, `now` (just after local
 * midnight that night, as UTC), a local hour, and the instant that hour has that day by the
 * documented rule: the first of a repeated hour, a skipped hour moved forward past the gap.
 */
export const DST_NIGHTS = [
  ['America/New_York', 'fall back: repeated 01:00 → the first', '2026-11-01T04:30:00Z', 1, '2026-11-01T05:00:00.000Z'],
  ['Europe/Berlin', 'fall back: repeated 02:00 → the first', '2026-10-24T22:30:00Z', 2, '2026-10-25T00:00:00.000Z'],
  ['Australia/Sydney', 'fall back: repeated 02:00 → the first', '2026-04-04T13:30:00Z', 2, '2026-04-04T15:00:00.000Z'],
  ['Australia/Lord_Howe', 'fall back (30 min): 01:00 before it', '2026-04-04T13:30:00Z', 1, '2026-04-04T14:00:00.000Z'],
  ['America/New_York', 'spring forward: skipped 02:00 → 03:00', '2026-03-08T05:30:00Z', 2, '2026-03-08T07:00:00.000Z'],
  ['Europe/Berlin', 'spring forward: skipped 02:00 → 03:00', '2026-03-28T23:30:00Z', 2, '2026-03-29T01:00:00.000Z'],
  ['Australia/Lord_Howe', 'spring forward (30 min): skipped 02:00 → 02:30', '2026-10-03T14:00:00Z', 2, '2026-10-03T15:30:00.000Z'],
  ['Asia/Kathmandu', 'no DST, +05:45', '2026-10-31T18:30:00Z', 9, '2026-11-01T03:15:00.000Z'],
] as const;
