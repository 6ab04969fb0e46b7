import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, get, post } from '../api.ts';
import { errorText, fmtInt } from '../format.ts';
import type { BacktestJob, BacktestResult } from '../types.ts';

const day = (d: Date) => d.toISOString().slice(0, 10);
const POLL_MS = 500;
const unfinished = (j: BacktestJob | null) => j?.status === 'loading' || j?.status === 'running';

/**
 * Replays a past period of stored data through the current draft; nothing is
 * sent. The server runs it as a job in the background: the dialog starts it,
 * shows its progress, and can cancel it (closing the dialog cancels too).
 */
export function BacktestDialog(props: { journeyId: string; graph: unknown; onClose: () => void; onResult: (r: BacktestResult) => void; pollMs?: number }) {
  const today = new Date();
  const [from, setFrom] = useState(day(new Date(today.getTime() - 30 * 86_400_000)));
  const [to, setTo] = useState(day(today));
  const [job, setJob] = useState<BacktestJob | null>(null);
  const [error, setError] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const current = useRef<BacktestJob | null>(null);
  const pollMs = props.pollMs ?? POLL_MS;

  const show = (j: BacktestJob) => {
    current.current = j;
    setJob(j);
    if (j.status === 'failed') setError(j.error?.message ?? 'the backtest failed');
  };
  const poll = (id: string) => {
    timer.current = setTimeout(async () => {
      try {
        const { job: j } = await get<{ job: BacktestJob }>(`/api/backtests/${encodeURIComponent(id)}`);
        show(j);
        if (unfinished(j)) poll(id);
      } catch (err) {
        setError(errorText(err));
      }
    }, pollMs);
  };
  const stop = async () => {
    if (timer.current) clearTimeout(timer.current);
    const j = current.current;
    if (!unfinished(j)) return;
    const { job: after } = await api<{ job: BacktestJob }>('DELETE', `/api/backtests/${encodeURIComponent(j!.id)}`);
    show(after);
  };
  // Leaving the editor with a backtest running must not leave it replaying on the server.
  useEffect(() => () => void stop().catch(() => {}), []);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      const { job: j } = await post<{ job: BacktestJob }>(`/api/journeys/${encodeURIComponent(props.journeyId)}/backtest`, { from, to, graph: props.graph });
      show(j);
      poll(j.id);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const close = () => {
    void stop().catch(() => {});
    props.onClose();
  };

  const busy = unfinished(job);
  const result = job?.status === 'done' ? (job.result as BacktestResult) : null;
  const entered = result ? Math.max(0, ...Object.values(result.nodes).map((n) => n.entered)) : 0;
  const percent = job && job.progress.total ? Math.floor((job.progress.done / job.progress.total) * 100) : 0;
  return (
    <div className="modal-backdrop" onClick={close}>
      <form className="modal" role="dialog" aria-label="Backtest" onClick={(e) => e.stopPropagation()} onSubmit={run}>
        <h2>Backtest this draft</h2>
        <p className="muted">Replays the stored events of a past period through the journey as it is on the canvas now. Nothing is sent to customers.</p>
        <div className="row gap">
          <label className="field grow">
            <span>From</span>
            <input type="date" required value={from} disabled={busy} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="field grow">
            <span>To</span>
            <input type="date" required value={to} disabled={busy} onChange={(e) => setTo(e.target.value)} />
          </label>
        </div>
        {busy && (
          <div className="field" data-testid="backtest-progress">
            <span>{job!.status === 'loading' ? 'Reading stored data…' : `Replaying… ${percent}% (${fmtInt(job!.progress.done)} of ${fmtInt(job!.progress.total)} rows)`}</span>
            <progress max={100} value={percent} aria-label="Backtest progress" />
          </div>
        )}
        {job?.status === 'cancelled' && <p className="muted">Backtest cancelled.</p>}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
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
          <button type="button" className="btn ghost" onClick={close}>
            Close
          </button>
          {busy && (
            <button type="button" className="btn" onClick={() => void stop().catch((err) => setError(errorText(err)))}>
              Cancel backtest
            </button>
          )}
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
