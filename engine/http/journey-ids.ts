import type { Storage } from '../storage/types.ts';

export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'journey'
  );
}

/** A journey id not yet taken, from a name: "Win back" → win-back, win-back-2, … */
export async function freeJourneyId(storage: Storage, name: string): Promise<string> {
  const base = slug(name);
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!(await storage.journeys.get(id))) return id;
  }
}
