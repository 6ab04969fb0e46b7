import { useState, type FormEvent } from 'react';
import { post } from '../api.ts';
import { errorText, fmtInt } from '../format.ts';
import type { BacktestResult } from '../types.ts';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Replays a past period of stored data through the current draft; nothing is sent. */
export function BacktestDialog(props: { journeyId: string; graph: unknown; onClose: () => void; onResult: (r: BacktestResult) => void }) {
  const today = new Date();
  const [from, setFrom] = useState(day(new Date(today.getTime() - 30 * 86_400_000)));
  const [to, setTo] = useState(day(today));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [result, setResult] = useState<BacktestResult | null>(null);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const r = await post<BacktestResult>(`/api/journeys/${encodeURIComponent(props.journeyId)}/backtest`, { from, to, graph: props.graph });
      setResult(r);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const entered = result ? Math.max(0, ...Object.values(result.nodes).map((n) => n.entered)) : 0;
  return (
    <div className="modal-backdrop" onClick={props.onClose}>
      <form className="modal" role="dialog" aria-label="Backtest" onClick={(e) => e.stopPropagation()} onSubmit={run}>
        <h2>Backtest this draft</h2>
        <p className="muted">Replays the stored events of a past period through the journey as it is on the canvas now. Nothing is sent to customers.</p>
        <div className="row gap">
          <label className="field grow">
            <span>From</span>
            <input type="date" required value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="field grow">
            <span>To</span>
            <input type="date" required value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
        </div>
        {error && <p className="error" role="alert">{error}</p>}
        {result && (
          <div className="kpis" data-testid="backtest-result">
            <div className="kpi">
              <span className="kpi-value">{fmtInt(entered)}</span>
              <span className="kpi-label">would enter</span>
            </div>
            <div className="kpi">
              <span className="kpi-value">{fmtInt(result.converted)}</span>
              <span className="kpi-label">would convert</span>
            </div>
            <div className="kpi">
              <span className="kpi-value">{fmtInt(result.messages)}</span>
              <span className="kpi-label">messages</span>
            </div>
          </div>
        )}
        <div className="row gap end">
          <button type="button" className="btn ghost" onClick={props.onClose}>
            Close
          </button>
          {result && (
            <button type="button" className="btn" onClick={() => props.onResult(result)}>
              Show on canvas
            </button>
          )}
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Running…' : 'Run backtest'}
          </button>
        </div>
      </form>
    </div>
  );
}
