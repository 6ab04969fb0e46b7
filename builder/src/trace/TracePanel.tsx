import { useEffect, useState, type FormEvent } from 'react';
import { get } from '../api.ts';
import { errorText, fmtDate } from '../format.ts';
import type { CustomerRun, CustomerSummary } from '../types.ts';

/** "Why did this customer do that?": find a customer, pick a run of this journey, read each step's inputs. */
export function TracePanel({ journeyId, onTrace, title = (id) => id }: { journeyId: string; onTrace: (run: CustomerRun | null) => void; /** A node's name for the steps. */ title?: (nodeId: string) => string }) {
  const [query, setQuery] = useState('');
  const [customers, setCustomers] = useState<CustomerSummary[] | null>(null);
  const [customer, setCustomer] = useState<CustomerSummary | null>(null);
  const [runs, setRuns] = useState<CustomerRun[] | null>(null);
  const [run, setRun] = useState<CustomerRun | null>(null);
  const [error, setError] = useState('');

  useEffect(() => () => onTrace(null), [onTrace]);

  const search = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      const r = await get<{ customers: CustomerSummary[] }>(`/api/customers?search=${encodeURIComponent(query.trim())}&limit=20`);
      setCustomers(r.customers);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const open = async (c: CustomerSummary) => {
    setCustomer(c);
    setError('');
    try {
      const r = await get<{ runs: CustomerRun[] }>(`/api/customers/${encodeURIComponent(c.id)}/runs`);
      const mine = r.runs.filter((x) => x.journeyId === journeyId);
      setRuns(mine);
      choose(mine[0] ?? null);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const choose = (r: CustomerRun | null) => {
    setRun(r);
    onTrace(r);
  };

  return (
    <div className="panel-body">
      <div className="panel-head">
        <h2>Customer trace</h2>
        <p className="muted">See the path a customer took and the inputs behind each decision.</p>
      </div>
      <form className="row tight" onSubmit={search}>
        <input className="grow" type="search" placeholder="Customer id or email" aria-label="Search customers" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="submit" className="btn">
          Search
        </button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {customers && !customer && (
        <ul className="list" aria-label="Customers">
          {customers.length === 0 && <li className="muted">No customer matches.</li>}
          {customers.map((c) => (
            <li key={c.id}>
              <button type="button" className="list-item" onClick={() => open(c)}>
                <b>{c.id}</b>
                <span className="muted small">{c.email ?? ''}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {customer && (
        <section className="panel-section">
          <div className="row between">
            <h3>{customer.id}</h3>
            <button type="button" className="btn small ghost" onClick={() => (setCustomer(null), choose(null))}>
              Back to results
            </button>
          </div>
          {runs?.length === 0 && <p className="muted">This customer has not entered this journey.</p>}
          {runs && runs.length > 1 && (
            <select aria-label="Run" value={run?.id ?? ''} onChange={(e) => choose(runs.find((r) => r.id === Number(e.target.value)) ?? null)}>
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  Run {r.id} · v{r.version} · {r.status}
                </option>
              ))}
            </select>
          )}
          {run && (
            <>
              <p className="small">
                Version {run.version} · <span className={`badge status-${run.status}`}>{run.status}</span>
                {run.nodeId && <> · now at <code>{run.nodeId}</code></>}
              </p>
              <ol className="steps" aria-label="Trace steps">
                {run.history.map((s, i) => (
                  <li key={i} className="step">
                    <div className="row between">
                      <span>
                        <b>{title(s.nodeId)}</b> <code className="muted small">{s.nodeId}</code>
                      </span>
                      <span className="muted small">{fmtDate(s.at)}</span>
                    </div>
                    <div className="small">
                      {s.kind}
                      {s.port && (
                        <>
                          {' '}
                          → <span className="badge small port">{s.port}</span>
                        </>
                      )}
                    </div>
                    {s.detail && Object.keys(s.detail).length > 0 && (
                      <dl className="detail">
                        {Object.entries(s.detail).map(([k, v]) => (
                          <div key={k}>
                            <dt>{k}</dt>
                            <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
                          </div>
                        ))}
                      </dl>
                    )}
                  </li>
                ))}
              </ol>
            </>
          )}
        </section>
      )}
    </div>
  );
}
