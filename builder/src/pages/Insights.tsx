import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { get } from '../api.ts';
import { errorText, fmtDate, fmtInt } from '../format.ts';
import type { Insights as InsightsData } from '../types.ts';
import { EvaluationCards } from './Evaluation.tsx';
import { segmentLink } from './Segments.tsx';

/** The customers of one RFM grid cell: the rfm score is stored as R·100 + F·10 + M. */
export const rfmCellDefinition = (r: number, f: number) => ({ all: [{ score: 'rfm', op: 'gte', value: r * 100 + f * 10 + 1 }, { score: 'rfm', op: 'lte', value: r * 100 + f * 10 + 5 }] });

interface HoldoutLike {
  auc: number;
  brier?: number;
  baselineAuc?: number | null;
  calibration: { bin: number; meanPredicted: number; observedRate: number; count: number }[];
}

/** Every fitted model in the report, wherever it sits: any object with an AUC and a calibration table. */
export function findHoldouts(report: unknown, path: string[] = []): { name: string; report: HoldoutLike }[] {
  if (!report || typeof report !== 'object') return [];
  const r = report as Record<string, unknown>;
  if (typeof r.auc === 'number' && Array.isArray(r.calibration)) return [{ name: path.filter((p) => p !== 'holdout').join(' ') || 'model', report: r as unknown as HoldoutLike }];
  // The out-of-time check has its own cards (EvaluationCards).
  return Object.entries(r).flatMap(([k, v]) => (k === 'evaluation' ? [] : findHoldouts(v, [...path, k])));
}

/** Why parts of a report are missing: every `reason`, `skipped` and `warnings` text in it. */
export function notesOf(report: unknown): string[] {
  if (!report || typeof report !== 'object') return [];
  return Object.entries(report as Record<string, unknown>).flatMap(([k, v]) => {
    if ((k === 'reason' || k === 'skipped') && typeof v === 'string') return [v];
    if (k === 'warnings' && Array.isArray(v)) return v.filter((w): w is string => typeof w === 'string');
    return typeof v === 'object' ? notesOf(v) : [];
  });
}

const AXIS = { fontSize: 12, fill: '#64748b' };
const BAR = '#4f46e5';

/** Customers per category as bars: the lifecycle and CLV charts share this look. */
function Bars({ data, x, color }: { data: { count: number }[]; x: string; color: string }) {
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid vertical={false} stroke="#eef0f4" />
        <XAxis dataKey={x} tick={AXIS} tickLine={false} axisLine={false} />
        <YAxis tick={AXIS} tickLine={false} axisLine={false} width={48} allowDecimals={false} />
        <Tooltip />
        <Bar dataKey="count" name="Customers" fill={color} radius={[4, 4, 0, 0]} />
      </BarChart>
    </ResponsiveContainer>
  );
}

export function Insights() {
  const [data, setData] = useState<InsightsData | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    get<InsightsData>('/api/insights').then(setData, (e) => setError(errorText(e)));
  }, []);

  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const lifecycle = Object.entries(data.lifecycle ?? {}).map(([stage, count]) => ({ stage, count }));
  const clv = (data.clv?.buckets ?? []).map((b) => ({ range: b.to === null ? `${fmtInt(b.from)}+` : `${fmtInt(b.from)}–${fmtInt(b.to)}`, count: b.count }));
  const models = findHoldouts(data.modelReport);
  const rfmMax = Math.max(1, ...(data.rfm ?? []).map((c) => c.count));
  const cell = (r: number, f: number) => data.rfm.find((c) => c.r === r && c.f === f)?.count ?? 0;

  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Insights</h1>
          <p className="muted">Who your customers are and how well the predictions behind your journeys hold up.</p>
        </div>
      </div>
      <div className="grid charts">
        <article className="card chart">
          <h2>Lifecycle stages</h2>
          {lifecycle.length ? (
            <>
              <Bars data={lifecycle} x="stage" color={BAR} />
              <p className="small">
                Make a segment:{' '}
                {lifecycle.map((l) => (
                  <a key={l.stage} href={segmentLink({ lifecycle: [l.stage] })}>
                    {l.stage}{' '}
                  </a>
                ))}
              </p>
            </>
          ) : (
            <p className="muted">No scores yet: the scoring job has not run.</p>
          )}
        </article>
        <article className="card chart">
          <h2>RFM grid</h2>
          <p className="muted small">Recency (rows, 5 = most recent) by frequency (columns, 5 = most frequent).</p>
          <div className="rfm" role="table" aria-label="RFM grid">
            {[5, 4, 3, 2, 1].map((r) => (
              <div className="rfm-row" role="row" key={r}>
                <span className="rfm-axis">R{r}</span>
                {[1, 2, 3, 4, 5].map((f) => {
                  const n = cell(r, f);
                  return (
                    <a key={f} role="cell" className="rfm-cell" href={segmentLink(rfmCellDefinition(r, f))} title={`R${r} F${f}: ${n} — click to make a segment of them`} style={{ background: `rgba(79, 70, 229, ${0.06 + (0.84 * n) / rfmMax})`, color: n / rfmMax > 0.5 ? '#fff' : '#1e293b' }}>
                      {fmtInt(n)}
                    </a>
                  );
                })}
              </div>
            ))}
            <div className="rfm-row">
              <span className="rfm-axis" />
              {[1, 2, 3, 4, 5].map((f) => (
                <span key={f} className="rfm-axis center">
                  F{f}
                </span>
              ))}
            </div>
          </div>
        </article>
        <article className="card chart">
          <h2>Predicted customer lifetime value</h2>
          {clv.length ? (
            <Bars data={clv} x="range" color="#0891b2" />
          ) : (
            <p className="muted">No CLV predictions yet.</p>
          )}
        </article>
        {models.map((m) => (
          <article className="card chart" key={m.name}>
            <h2>Model: {m.name}</h2>
            <div className="kpis">
              <div className="kpi">
                <span className="kpi-value">{m.report.auc.toFixed(3)}</span>
                <span className="kpi-label">AUC (held out)</span>
              </div>
              {typeof m.report.baselineAuc === 'number' && (
                <div className="kpi">
                  <span className="kpi-value">{m.report.baselineAuc.toFixed(3)}</span>
                  <span className="kpi-label">baseline AUC</span>
                </div>
              )}
              {typeof m.report.brier === 'number' && (
                <div className="kpi">
                  <span className="kpi-value">{m.report.brier.toFixed(3)}</span>
                  <span className="kpi-label">Brier score</span>
                </div>
              )}
            </div>
            <h3>Calibration</h3>
            <ResponsiveContainer width="100%" height={200}>
              <LineChart data={m.report.calibration.map((b) => ({ predicted: +b.meanPredicted.toFixed(3), observed: +b.observedRate.toFixed(3), ideal: +b.meanPredicted.toFixed(3) }))}>
                <CartesianGrid stroke="#eef0f4" />
                <XAxis dataKey="predicted" type="number" domain={[0, 'auto']} tick={AXIS} name="Predicted" />
                <YAxis tick={AXIS} width={40} domain={[0, 'auto']} />
                <Tooltip />
                <Line dataKey="ideal" name="Perfect" stroke="#cbd5e1" dot={false} strokeDasharray="4 4" />
                <Line dataKey="observed" name="Observed" stroke={BAR} strokeWidth={2} />
              </LineChart>
            </ResponsiveContainer>
          </article>
        ))}
        <EvaluationCards report={data.modelReport} />
        {models.length === 0 && (
          <article className="card chart">
            <h2>Model report</h2>
            {data.modelReport ? (
              <>
                <p>
                  Scored {fmtInt(Number(data.modelReport.customers ?? 0))} customers
                  {typeof data.modelReport.scoredAt === 'string' && <> on {fmtDate(data.modelReport.scoredAt)}</>}.
                </p>
                {notesOf(data.modelReport).map((n) => (
                  <p key={n} className="muted small">
                    {n}
                  </p>
                ))}
                <p className="muted small">AUC and calibration appear here once a model can be checked on held-out customers.</p>
              </>
            ) : (
              <p className="muted">No model has been fitted yet. The scoring job runs nightly, or on demand with foresight models.</p>
            )}
          </article>
        )}
      </div>
    </section>
  );
}
