import { useEffect, useState } from 'react';
import { get } from '../api.ts';
import { errorText, fmtInt, fmtPct } from '../format.ts';

export interface KpiValue {
  key: string;
  label: string;
  formula: string;
  value: number | null;
  previous: number | null;
  unit: 'percent' | 'money' | 'number' | 'ratio';
  numerator: number;
  denominator: number;
  warning?: string;
}
export interface KpiData {
  period: { from: number; to: number };
  comparison: { from: number; to: number };
  kpis: KpiValue[];
  split: { group: string; kpis: Omit<KpiValue, 'previous'>[] }[] | null;
  cohorts: { month: string; customers: number; retained: (number | null)[] }[];
}

export function fmtKpi(unit: KpiValue['unit'], v: number | null): string {
  if (v === null) return '–';
  if (unit === 'percent') return fmtPct(v);
  if (unit === 'money') return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function trend(k: KpiValue): string {
  if (k.value === null || k.previous === null) return '';
  const d = k.value - k.previous;
  if (d === 0) return '→ no change';
  return `${d > 0 ? '▲' : '▼'} ${k.unit === 'percent' ? `${(Math.abs(d) * 100).toFixed(1)} pts` : fmtKpi(k.unit, Math.abs(d))}`;
}

/** The KPI cards (formula on hover, trend against the comparison period), the split table and the cohort table. */
export function KpiView({ data }: { data: KpiData }) {
  const splitKeys = data.split?.[0]?.kpis.map((k) => k.key) ?? [];
  return (
    <div className="kpis">
      <div className="kpi-grid">
        {data.kpis.map((k) => (
          <article key={k.key} className={`card kpi ${k.warning ? 'warn' : ''}`} title={k.formula} aria-label={k.label}>
            <h3>{k.label}</h3>
            <p className="kpi-value">{fmtKpi(k.unit, k.value)}</p>
            <p className="small muted">
              {trend(k)} {k.previous !== null && `(was ${fmtKpi(k.unit, k.previous)})`}
            </p>
            {k.warning && <p className="small error">{k.warning}</p>}
          </article>
        ))}
      </div>
      {data.split && (
        <section className="card" aria-label="Split">
          <table className="table">
            <thead>
              <tr>
                <th>group</th>
                {data.split[0]?.kpis.map((k) => (
                  <th key={k.key} title={k.formula}>
                    {k.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.split.map((g) => (
                <tr key={g.group}>
                  <th>{g.group}</th>
                  {splitKeys.map((key) => {
                    const k = g.kpis.find((x) => x.key === key)!;
                    return <td key={key}>{fmtKpi(k.unit, k.value)}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section className="card" aria-label="Cohorts">
        <h3 title="Share of each acquisition month's customers who ordered again k months after their first order">Retention by months since first order</h3>
        <table className="table cohort">
          <thead>
            <tr>
              <th>first order</th>
              <th>customers</th>
              {data.cohorts[0]?.retained.map((_, i) => <th key={i}>+{i}</th>)}
            </tr>
          </thead>
          <tbody>
            {data.cohorts.map((c) => (
              <tr key={c.month}>
                <th>{c.month}</th>
                <td>{fmtInt(c.customers)}</td>
                {c.retained.map((r, i) => (
                  <td key={i} style={{ background: r === null ? undefined : `rgba(79, 70, 229, ${0.08 + r * 0.6})` }}>
                    {fmtPct(r, 0)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The KPI page: pick a period (the comparison is the one before it), a split and the acquisition spend. */
export function Kpis() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [split, setSplit] = useState('');
  const [spend, setSpend] = useState('');
  const [data, setData] = useState<KpiData | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const q = new URLSearchParams();
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    if (split) q.set('split', split);
    if (spend) q.set('acquisitionSpend', spend);
    get<KpiData>(`/api/kpis?${q}`).then(
      (d) => {
        setData(d);
        setError('');
      },
      (e) => setError(errorText(e)),
    );
  }, [from, to, split, spend]);
  return (
    <div>
      <div className="row card">
        <label>
          From <input type="date" aria-label="From" value={from || (data ? day(data.period.from) : '')} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To <input type="date" aria-label="To" value={to || (data ? day(data.period.to) : '')} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          Split by{' '}
          <select aria-label="Split by" value={split} onChange={(e) => setSplit(e.target.value)}>
            <option value="">nothing</option>
            <option value="lifecycle">lifecycle stage</option>
            <option value="valueTier">value tier</option>
          </select>
        </label>
        <label>
          Acquisition spend <input type="number" min="0" aria-label="Acquisition spend" value={spend} onChange={(e) => setSpend(e.target.value)} />
        </label>
        {data && <span className="small muted">compared with {day(data.comparison.from)} – {day(data.comparison.to)}</span>}
      </div>
      {error && <p className="error">{error}</p>}
      {data ? <KpiView data={data} /> : !error && <p className="muted">Loading…</p>}
    </div>
  );
}
