import type { ScoreRecord, Storage } from '../storage/types.ts';

const PAGE = 5000;

async function eachScore(storage: Storage, model: string, fn: (s: ScoreRecord) => void): Promise<void> {
  for (let after = 0; ; ) {
    const page = await storage.models.scoresOf(model, { afterCustomerId: after, limit: PAGE });
    for (const s of page) fn(s);
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.customerId;
  }
}

/** CLV bucket edges: money ranges a marketer reads at a glance (the last bucket is open-ended). */
const CLV_EDGES = [0, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/**
 * The customer base at a glance, from the stored scores: customers per
 * lifecycle stage, the RFM recency×frequency grid, and the CLV distribution.
 */
export async function insights(storage: Storage) {
  const lifecycle: Record<string, number> = {};
  await eachScore(storage, 'lifecycle', (s) => {
    const stage = String(s.data.stage ?? 'unknown');
    lifecycle[stage] = (lifecycle[stage] ?? 0) + 1;
  });
  const grid = new Map<string, { r: number; f: number; count: number }>();
  await eachScore(storage, 'rfm', (s) => {
    const r = Number(s.data.r);
    const f = Number(s.data.f);
    if (!Number.isFinite(r) || !Number.isFinite(f)) return;
    const cell = grid.get(`${r}:${f}`) ?? { r, f, count: 0 };
    cell.count++;
    grid.set(`${r}:${f}`, cell);
  });
  const buckets = CLV_EDGES.map((from, i) => ({ from, to: CLV_EDGES[i + 1] ?? null, count: 0 }));
  await eachScore(storage, 'clv', (s) => {
    if (s.value === null || !Number.isFinite(s.value)) return;
    let i = CLV_EDGES.length - 1;
    while (i > 0 && s.value < CLV_EDGES[i]!) i--;
    buckets[i]!.count++;
  });
  return { lifecycle, rfm: [...grid.values()].sort((a, b) => b.r - a.r || b.f - a.f), clv: { buckets } };
}
