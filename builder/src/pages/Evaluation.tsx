import type { EvaluationReport } from '../../../engine/models/evaluate.ts';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/**
 * The nightly job's out-of-time check (engine/models/evaluate.ts, stored as
 * `modelReport.evaluation`): did the predictions made before the cut match what customers
 * did after it? Tracking chart, FHL bars and a calibration plot per score, each score with a
 * plain verdict — a score that is not usable says so and why.
 */

/** What the cards read of the engine's EvaluationReport. */
export type EvaluationData = Pick<EvaluationReport, 'calibrationEnd' | 'holdoutEnd' | 'customers' | 'holdoutBuyers' | 'fhl' | 'tracking' | 'scores'> & {
  purchaseModel: { name: string; selection: { reason: string } };
  // windowDays: absent from reports stored before dates were limited to the churn window.
  nextPurchase: Pick<EvaluationReport['nextPurchase'], 'medianAbsErrorDays' | 'boughtByDateShare' | 'coverage'> & { windowDays?: number };
};

/** The evaluation in a model report, or why there is none. */
export function evaluationOf(report: unknown): { data: EvaluationData } | { reason: string } | null {
  const e = (report as { evaluation?: unknown } | null)?.evaluation;
  if (!e || typeof e !== 'object') return null;
  if (typeof (e as { reason?: unknown }).reason === 'string') return { reason: (e as { reason: string }).reason };
  return Array.isArray((e as EvaluationData).scores) ? { data: e as EvaluationData } : null;
}

/** Chart rows: the chosen model's prediction beside the actual value. */
export function trackingRows(e: EvaluationData): { week: number; end: string; actual: number; predicted: number }[] {
  return e.tracking.map((p) => ({ week: p.week, end: p.end, actual: p.actual, predicted: +(p.predicted[e.purchaseModel.name as keyof typeof p.predicted] ?? NaN).toFixed(1) }));
}

export function fhlRows(e: EvaluationData): { x: string; actual: number; predicted: number }[] {
  return e.fhl.map((r) => ({ x: r.x, actual: +r.actual.toFixed(3), predicted: +(r.predicted[e.purchaseModel.name as keyof typeof r.predicted] ?? NaN).toFixed(3) }));
}

const AXIS = { fontSize: 12, fill: '#64748b' };
const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(0)} %`);

export function EvaluationCards({ report }: { report: unknown }) {
  const found = evaluationOf(report);
  if (!found) return null;
  if ('reason' in found) {
    return (
      <article className="card chart">
        <h2>Out-of-time check</h2>
        <p className="muted">{found.reason}</p>
      </article>
    );
  }
  const e = found.data;
  const cut = e.tracking.findIndex((p) => p.end >= e.calibrationEnd);
  return (
    <>
      <article className="card chart">
        <h2>Out-of-time check: repeat purchases</h2>
        <p className="muted small">
          Fitted on orders up to {e.calibrationEnd} ({e.purchaseModel.name}: {e.purchaseModel.selection.reason}); checked against {e.holdoutEnd}. Cumulative repeat purchases per week
          {cut >= 0 ? `, the check starts in week ${e.tracking[cut]!.week}` : ''}.
        </p>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={trackingRows(e)} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid stroke="#eef0f4" />
            <XAxis dataKey="week" tick={AXIS} />
            <YAxis tick={AXIS} width={56} />
            <Tooltip />
            <Legend />
            <Line dataKey="actual" name="Actual" stroke="#0f172a" dot={false} strokeWidth={2} />
            <Line dataKey="predicted" name="Predicted" stroke="#4f46e5" dot={false} strokeDasharray="5 3" />
          </LineChart>
        </ResponsiveContainer>
      </article>
      <article className="card chart">
        <h2>Purchases in the check period by past purchases</h2>
        <p className="muted small">Mean purchases after {e.calibrationEnd} for customers with 0, 1, … repeat purchases before it (FHL table).</p>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={fhlRows(e)} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid vertical={false} stroke="#eef0f4" />
            <XAxis dataKey="x" tick={AXIS} />
            <YAxis tick={AXIS} width={40} />
            <Tooltip />
            <Legend />
            <Bar dataKey="actual" name="Actual" fill="#0f172a" />
            <Bar dataKey="predicted" name="Predicted" fill="#4f46e5" />
          </BarChart>
        </ResponsiveContainer>
        <p className="muted small">
          Next purchase{e.nextPurchase.windowDays ? ` (dated for customers likely to buy within ${e.nextPurchase.windowDays} days)` : ''}: median error {e.nextPurchase.medianAbsErrorDays === null ? '—' : `${e.nextPurchase.medianAbsErrorDays.toFixed(0)} days`}; {pct(e.nextPurchase.boughtByDateShare)} bought by
          their date (ideal 50 %); the 80 % interval held {pct(e.nextPurchase.coverage)}.
        </p>
      </article>
      {e.scores.map((s) => (
        <article className="card chart" key={`${s.score} ${s.outcome}`} aria-label={`${s.score} check`}>
          <h2>
            {s.score} <span className={s.usable ? 'badge ok' : 'badge warn'}>{s.usable ? 'usable' : 'not usable'}</span>
          </h2>
          <p className="muted small">
            Against {s.outcome}: {s.events} of {s.customers} customers. AUC {s.auc.toFixed(3)} ({s.aucLow.toFixed(3)}–{s.aucHigh.toFixed(3)}), {s.baseline.name} {s.baseline.auc.toFixed(3)}
            {s.brier === null ? '' : `, Brier ${s.brier.toFixed(3)}`}.
          </p>
          <p className={s.usable ? 'small' : 'error small'}>{s.verdict}</p>
          {s.calibration.length > 0 && (
            <ResponsiveContainer width="100%" height={180}>
              <LineChart data={s.calibration.map((b) => ({ predicted: +b.meanPredicted.toFixed(3), observed: +b.observedRate.toFixed(3), ideal: +b.meanPredicted.toFixed(3) }))}>
                <CartesianGrid stroke="#eef0f4" />
                <XAxis dataKey="predicted" type="number" domain={[0, 1]} tick={AXIS} name="Predicted" />
                <YAxis tick={AXIS} width={40} domain={[0, 1]} />
                <Tooltip />
                <Line dataKey="ideal" name="Perfect" stroke="#cbd5e1" dot={false} strokeDasharray="4 4" />
                <Line dataKey="observed" name="Observed" stroke="#4f46e5" strokeWidth={2} />
              </LineChart>
            </ResponsiveContainer>
          )}
        </article>
      ))}
    </>
  );
}
