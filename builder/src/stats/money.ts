/** Revenue as the shop reads it: two decimals, thousands separated (no currency: the data carries none). */
export const fmtMoney = (n: number | null | undefined): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
