import { isDeepStrictEqual } from 'node:util';
import { mergeProfile, type ProfileFields } from '../core/profile.ts';
import type { CustomerUpsert } from '../storage/types.ts';

/** What an identify did to each profile, so a re-import can say that nothing changed. */
export type ProfileOutcome = 'created' | 'updated' | 'unchanged';

/**
 * The outcome of each upsert in order, against the stored profiles by external id
 * (an earlier upsert of the batch counts as stored for a later one). Pure.
 */
export function profileOutcomes(stored: ReadonlyMap<string, ProfileFields>, inputs: readonly CustomerUpsert[]): ProfileOutcome[] {
  const seen = new Map<string, ProfileFields>([...stored].map(([id, c]) => [id, { email: c.email, attributes: c.attributes, timezone: c.timezone, consent: c.consent }]));
  return inputs.map((input) => {
    const cur = seen.get(input.externalId);
    const next = mergeProfile(cur, input);
    seen.set(input.externalId, next);
    if (!cur) return 'created';
    return isDeepStrictEqual(next, cur) ? 'unchanged' : 'updated';
  });
}
