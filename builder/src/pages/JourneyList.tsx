import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { get, post } from '../api.ts';
import { errorText, fmtDate, fmtInt, fmtPct } from '../format.ts';
import { navigate } from '../router.ts';
import { usePolling } from '../usePolling.ts';
import type { JourneySummary } from '../types.ts';

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}

/** How often the list refreshes its numbers while it is on screen. */
export const LIST_EVERY_MS = 5000;

export function JourneyList() {
  const [journeys, setJourneys] = useState<JourneySummary[] | null>(null);
  const [error, setError] = useState('');
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [showArchived, setShowArchived] = useState(false);

  const load = useCallback(() => {
    get<{ journeys: JourneySummary[] }>('/api/journeys').then(
      (r) => setJourneys(r.journeys),
      (e) => setError(errorText(e)),
    );
  }, []);
  useEffect(load, [load]);
  usePolling(load, LIST_EVERY_MS);

  const act = async (fn: () => Promise<unknown>) => {
    setError('');
    try {
      await fn();
    } catch (e) {
      setError(errorText(e));
    }
    load();
  };

  const create = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const { journey } = await post<{ journey: { id: string } }>('/api/journeys', { name: name.trim() });
      navigate({ page: 'editor', id: journey.id });
    });
  };

  const visible = (journeys ?? []).filter((j) => showArchived || j.status !== 'archived');
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Journeys</h1>
          <p className="muted">Every journey, its live version and how customers move through it.</p>
        </div>
        <div className="row gap">
          <label className="check">
            <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Show archived
          </label>
          <button type="button" className="btn" onClick={() => navigate({ page: 'templates' })}>
            Start from a template
          </button>
          <button type="button" className="btn primary" onClick={() => setCreating(true)}>
            New journey
          </button>
        </div>
      </div>
      {creating && (
        <form className="card inline-form" onSubmit={create}>
          <label className="field grow">
            <span>Journey name</span>
            <input autoFocus required value={name} placeholder="e.g. Win back lapsed buyers" onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" className="btn primary" disabled={!name.trim()}>
            Create
          </button>
          <button type="button" className="btn ghost" onClick={() => setCreating(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {journeys === null ? (
        <p className="muted">Loading…</p>
      ) : visible.length === 0 ? (
        <div className="empty card">
          <h2>No journeys yet</h2>
          <p className="muted">Create one from scratch or import a proven lifecycle template.</p>
        </div>
      ) : (
        <table className="table card" aria-label="Journeys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th className="num">Version</th>
              <th className="num">In flight</th>
              <th className="num">Entered</th>
              <th className="num">Conversions</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {visible.map((j) => (
              <tr key={j.id} data-journey={j.id}>
                <td>
                  <a className="link strong" href={`#/journeys/${encodeURIComponent(j.id)}`}>
                    {j.name}
                  </a>
                  <div className="muted small">{j.id}</div>
                </td>
                <td>
                  <StatusBadge status={j.status} />
                  {j.unavailable && (
                    <div className="error small" role="status" title={j.unavailable}>
                      Waiting: {j.unavailable}
                    </div>
                  )}
                </td>
                <td className="num">{j.liveVersion ? `v${j.liveVersion}` : '–'}</td>
                <td className="num">{fmtInt(j.inFlight)}</td>
                <td className="num">{fmtInt(j.entered)}</td>
                <td className="num">
                  {fmtInt(j.converted)} <span className="muted small">{j.entered ? fmtPct(j.converted / j.entered) : ''}</span>
                </td>
                <td className="small">{fmtDate(j.updatedAt)}</td>
                <td className="actions">
                  <button type="button" className="btn small" onClick={() => act(() => post(`/api/journeys/${encodeURIComponent(j.id)}/duplicate`))}>
                    Duplicate
                  </button>
                  {j.status !== 'archived' && (
                    <button
                      type="button"
                      className="btn small ghost danger"
                      onClick={() => window.confirm(`Archive "${j.name}"? Customers in flight finish their runs.`) && act(() => post(`/api/journeys/${encodeURIComponent(j.id)}/archive`))}
                    >
                      Archive
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
