import type { DayPoint } from '../types.ts';

const W = 280;
const H = 64;
/** Days shown: the most recent ones, so a long-running journey's bars stay visible. */
const MAX_DAYS = 90;

/**
 * Sends per day as bars, conversions per day as dots on their own scale: a small inline SVG,
 * one column per day up to the last day with numbers (at most 90; days without any stay empty).
 */
export function DayChart({ points, label }: { points: DayPoint[]; label: string }) {
  if (points.length === 0) return null;
  const days = dayRange(points[0]!.day, points.at(-1)!.day).slice(-MAX_DAYS);
  const byDay = new Map(points.map((p) => [p.day, p]));
  const maxSent = Math.max(1, ...points.map((p) => p.sent));
  const maxConv = Math.max(1, ...points.map((p) => p.conversions));
  const step = W / days.length;
  const bar = Math.min(24, Math.max(1, step * 0.7));
  return (
    <figure className="day-chart">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} role="img" aria-label={label}>
        {days.map((day, i) => {
          const p = byDay.get(day);
          if (!p) return null;
          const h = (p.sent / maxSent) * (H - 8);
          const cy = H - 4 - (p.conversions / maxConv) * (H - 8);
          return (
            <g key={day} data-day={day}>
              <title>{`${day}: ${p.sent} sent, ${p.conversions} conversions`}</title>
              <rect x={i * step + (step - bar) / 2} y={H - h} width={bar} height={h} className="bar-sent" />
              {p.conversions > 0 && <circle cx={i * step + step / 2} cy={cy} r={2.5} className="dot-conv" />}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted small">
        {days[0]} … {days.at(-1)} · <span className="key-sent">■</span> sent <span className="key-conv">●</span> conversions
      </figcaption>
    </figure>
  );
}

/** Every UTC date from `first` to `last` (YYYY-MM-DD), inclusive. */
export function dayRange(first: string, last: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
