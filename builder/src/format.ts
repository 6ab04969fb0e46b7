/** Display helpers shared by pages and the canvas. */
export const fmtInt = (n: number | null | undefined): string => (n ?? 0).toLocaleString('en-US');

export function fmtPct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}%`;
}

export function fmtDate(t: number | string | null | undefined): string {
  if (t === null || t === undefined) return '–';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
