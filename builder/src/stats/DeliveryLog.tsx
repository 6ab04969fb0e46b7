import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { get } from '../api.ts';
import { errorText, fmtDate, fmtInt } from '../format.ts';
import type { DeliveryLogEntry } from '../types.ts';

const PAGE = 25;
/** Re-read while open, so a failure shows up within seconds of being recorded. */
const REFRESH_MS = 10_000;
const OUTCOMES = ['sent', 'failed', 'skipped', 'pending', 'unknown', 'cancelled'] as const;

/**
 * A delivery log (journey or customer): what was sent, when, to which address, outcome and error,
 * newest first, paginated, filtered by outcome and (for a journey) by address or customer id.
 */
export function DeliveryLog({ path, searchable, title }: { path: string; searchable: boolean; title?: (nodeId: string) => string }) {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ total: number; entries: DeliveryLogEntry[] } | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (search) q.set('search', search);
    if (status) q.set('status', status);
    try {
      setPage(await get<{ total: number; entries: DeliveryLogEntry[] }>(`${path}?${q}`));
      setError('');
    } catch (err) {
      setError(errorText(err));
    }
  }, [path, search, status, offset]);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setOffset(0);
    setSearch(query.trim());
  };

  return (
    <section className="panel-section delivery-log" aria-label="Delivery log">
      <h3>Delivery log</h3>
      <form className="row" onSubmit={submit}>
        {searchable && <input className="grow" type="search" placeholder="Email or customer id" aria-label="Search deliveries" value={query} onChange={(e) => setQuery(e.target.value)} />}
        <select
          aria-label="Outcome"
          value={status}
          onChange={(e) => {
            setOffset(0);
            setStatus(e.target.value);
          }}
        >
          <option value="">All outcomes</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        {searchable && (
          <button type="submit" className="btn">
            Search
          </button>
        )}
      </form>
      {error && (
        <p className="problem" role="alert">
          {error}
        </p>
      )}
      {page && page.entries.length === 0 && <p className="muted">No deliveries{search || status ? ' match' : ' yet'}.</p>}
      {page && page.entries.length > 0 && (
        <ol className="log" aria-label="Deliveries">
          {page.entries.map((e) => (
            <li key={e.key} className={`log-entry status-${e.status}`} data-status={e.status}>
              <div className="row between">
                <span>
                  <span className={`badge small status-${e.status}`}>{e.status}</span> {e.address ?? <span className="muted">no address</span>}
                </span>
                <span className="muted small">{fmtDate(e.updatedAt)}</span>
              </div>
              <div className="small muted">
                {title ? title(e.nodeId) : e.nodeId}
                {e.subject && <> · “{e.subject}”</>} · customer <code>{e.externalId}</code>
                {e.attempts > 1 && <> · {e.attempts} attempts</>}
              </div>
              {e.error && <div className="small log-error">{e.error}</div>}
            </li>
          ))}
        </ol>
      )}
      {page && page.total > PAGE && (
        <div className="row between small">
          <button type="button" className="btn ghost" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Newer
          </button>
          <span className="muted">
            {fmtInt(offset + 1)}–{fmtInt(Math.min(offset + PAGE, page.total))} of {fmtInt(page.total)}
          </span>
          <button type="button" className="btn ghost" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
            Older
          </button>
        </div>
      )}
    </section>
  );
}
