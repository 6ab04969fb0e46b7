import type { RunStep } from '../types.ts';

/** A trace line as shown: one step, or a run of consecutive re-plans of one wait folded into one line. */
export type TraceItem = { kind: 'step'; step: RunStep } | { kind: 'replanned'; nodeId: string; count: number; from: RunStep['at']; to: RunStep['at']; last: RunStep };

const isReplan = (s: RunStep) => s.kind === 'wait' && s.detail?.replanned === true;

/**
 * Folds consecutive re-plans of the same wait (wait.purchaseCycle moves its wake-up each time a
 * prediction changes, often daily) into one item, so a month of waiting is one line, not thirty.
 */
export function groupSteps(history: readonly RunStep[]): TraceItem[] {
  const out: TraceItem[] = [];
  for (const step of history) {
    const prev = out.at(-1);
    if (isReplan(step) && prev) {
      if (prev.kind === 'replanned' && prev.nodeId === step.nodeId) {
        Object.assign(prev, { count: prev.count + 1, to: step.at, last: step });
        continue;
      }
      if (prev.kind === 'step' && isReplan(prev.step) && prev.step.nodeId === step.nodeId) {
        out[out.length - 1] = { kind: 'replanned', nodeId: step.nodeId, count: 2, from: prev.step.at, to: step.at, last: step };
        continue;
      }
    }
    out.push({ kind: 'step', step });
  }
  return out;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A moment in the given IANA zone (the customer's; the browser's when unknown), e.g. "3 Mar 2024, 10:00 CET". */
export function fmtTime(t: number | string, zone?: string | null): string {
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  const key = zone ?? '';
  let f = formatters.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
    try {
      f = new Intl.DateTimeFormat('en-GB', { ...opts, ...(zone ? { timeZone: zone } : {}) });
    } catch {
      f = new Intl.DateTimeFormat('en-GB', opts); // a zone the browser does not know: its own
    }
    formatters.set(key, f);
  }
  return f.format(d);
}

/** A number as a person reads it: whole numbers grouped, fractions to 3 significant digits (0.734, 12.3, 1,234.57). */
export function fmtNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const digits = Math.abs(n) >= 100 ? 2 : Math.max(0, 2 - Math.floor(Math.log10(Math.abs(n))));
  return n.toLocaleString('en-US', { maximumFractionDigits: Math.min(digits, 6) });
}

/** A decision-trace value for display: times in the zone, numbers rounded, objects compact with the same rules inside. */
export function fmtValue(v: unknown, zone?: string | null): string {
  if (typeof v === 'number') return fmtNumber(v);
  if (typeof v === 'string') return ISO.test(v) ? fmtTime(v, zone) : v;
  if (v === null || v === undefined) return '–';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.map((x) => fmtValue(x, zone)).join(', ');
  return Object.entries(v)
    .map(([k, x]) => `${k}: ${x !== null && typeof x === 'object' && !Array.isArray(x) ? `{ ${fmtValue(x, zone)} }` : fmtValue(x, zone)}`)
    .join(', ');
}
