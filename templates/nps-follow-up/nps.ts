/** Net Promoter Score from answers 0–10: % promoters (9–10) − % detractors (0–6), −100..100; null without answers. */
export function netPromoterScore(counts: { promoters: number; passives: number; detractors: number }): number | null {
  const total = counts.promoters + counts.passives + counts.detractors;
  return total === 0 ? null : (100 * (counts.promoters - counts.detractors)) / total;
}

export interface NpsReport {
  promoters: number;
  passives: number;
  detractors: number;
  nps: number | null;
}

/** The NPS a running nps-follow-up journey has measured, from how many customers reached each answer's path. */
export function npsFromJourneyStats(stats: { nodes: Record<string, { entered: number } | undefined> }): NpsReport {
  const counts = {
    promoters: stats.nodes.promoter?.entered ?? 0,
    passives: stats.nodes.passive?.entered ?? 0,
    detractors: stats.nodes.detractor?.entered ?? 0,
  };
  return { ...counts, nps: netPromoterScore(counts) };
}
