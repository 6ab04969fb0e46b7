import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { get } from '../api.ts';
import { errorText, fmtInt } from '../format.ts';
import type { Insights as InsightsData } from '../types.ts';

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
  return Object.entries(r).flatMap(([k, v]) => findHoldouts(v, [...path, k]));
}

const AXIS = { fontSize: 12, fill: '#64748b' };
const BAR = '#4f46e5';

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
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={lifecycle} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
                <CartesianGrid vertical={false} stroke="#eef0f4" />
                <XAxis dataKey="stage" tick={AXIS} tickLine={false} axisLine={false} />
                <YAxis tick={AXIS} tickLine={false} axisLine={false} width={48} />
                <Tooltip />
                <Bar dataKey="count" name="Customers" fill={BAR} radius={[4, 4, 0, 0]} />
              </BarChart>
            </ResponsiveContainer>
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
                    <span key={f} role="cell" className="rfm-cell" title={`R${r} F${f}: ${n}`} style={{ background: `rgba(79, 70, 229, ${0.06 + (0.84 * n) / rfmMax})`, color: n / rfmMax > 0.5 ? '#fff' : '#1e293b' }}>
                      {fmtInt(n)}
                    </span>
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
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={clv} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
                <CartesianGrid vertical={false} stroke="#eef0f4" />
                <XAxis dataKey="range" tick={AXIS} tickLine={false} axisLine={false} />
                <YAxis tick={AXIS} tickLine={false} axisLine={false} width={48} />
                <Tooltip />
                <Bar dataKey="count" name="Customers" fill="#0891b2" radius={[4, 4, 0, 0]} />
              </BarChart>
            </ResponsiveContainer>
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
        {!data.modelReport && (
          <article className="card chart">
            <h2>Model report</h2>
            <p className="muted">No model has been fitted yet. Run the scoring job (foresight models) to see AUC and calibration.</p>
          </article>
        )}
      </div>
    </section>
  );
}
