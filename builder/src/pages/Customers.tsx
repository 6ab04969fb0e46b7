import { useEffect, useState, type ReactNode } from 'react';
import { api, get } from '../api.ts';
import { DeliveryLog } from '../stats/DeliveryLog.tsx';
import { errorText, fmtDate } from '../format.ts';
import { navigate } from '../router.ts';
import { fmtTime, fmtValue, groupSteps } from '../trace/steps.ts';
import type { CustomerRun } from '../types.ts';

interface Customer {
  id: string;
  email: string | null;
  attributes: Record<string, unknown>;
  timezone: string | null;
  consent: Record<string, boolean>;
  unsubscribedAt: number | null;
}
export interface Profile {
  customer: Customer;
  suppression: { reason: string; createdAt: number } | null;
  scores: { model: string; value: number | null; data: Record<string, unknown>; scoredAt: number }[];
  orders: { orderId: string; orderedAt: number; amount: number; items: string[] }[];
  events: { id: number; type: string; properties: Record<string, unknown>; occurredAt: number }[];
  messages: { key: string; journeyId: string; nodeId: string; kind: string; status: string; lastError: string | null; createdAt: number }[];
  journeys: { runId: number; journeyId: string; journeyName: string; status: string; nodeId: string; enteredAt: number }[];
}

/** What each stored score means, by model name; scores of models not listed still show, with their raw data. */
const MEANING: Record<string, string> = {
  purchase: 'Probability of a purchase within the window',
  churn: 'Probability the customer has stopped buying (1 − P(alive))',
  engagement: 'Likelihood to open or click an email',
  clv: 'Predicted customer lifetime value over the horizon',
  next_purchase: 'Expected next purchase date, with its interval',
  lifecycle: 'Lifecycle stage',
  value_tier: 'Value tier by predicted CLV',
  rfm: 'RFM scores (recency, frequency, monetary) and segment',
  persona: 'Behaviour cluster',
  recommendations: 'Products recommended next',
};

// Blank values are left out; a list of blanks too (blank model scores stored "deciles" as nine nulls: ", , , ,").
const blank = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.every((x) => x === null || x === undefined));

const detail = (data: Record<string, unknown>) =>
  Object.entries(data)
    .filter(([, v]) => !blank(v))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map((x) => (x === null || x === undefined ? '—' : String(x))).join(', ') : typeof v === 'number' ? Number(v.toFixed(4)) : String(v)}`)
    .join(' · ');

/** A titled card; its title names the region for screen readers (and tests). */
function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** One customer's profile: what the models think, what they bought and did, what we sent them, and where they are in journeys. */
export function CustomerProfile({
  p,
  isAdmin,
  onErase,
  onMoreEvents,
  trace,
  onTrace,
}: {
  p: Profile;
  isAdmin: boolean;
  onErase: () => void;
  onMoreEvents: () => void;
  /** The decision trace of the run asked for, once loaded. */
  trace: CustomerRun | null;
  onTrace: (runId: number) => void;
}) {
  const c = p.customer;
  return (
    <div className="profile">
      <section className="card">
        <h2>{c.id}</h2>
        <p>{c.email ?? <span className="muted">no email</span>}</p>
        <p className="small">
          Consent: {Object.entries(c.consent).map(([k, v]) => `${k} ${v ? 'yes' : 'no'}`).join(', ') || 'none recorded'}
          {c.unsubscribedAt !== null && ` · unsubscribed ${fmtDate(c.unsubscribedAt)}`}
          {p.suppression && <strong className="error"> · suppressed ({p.suppression.reason})</strong>}
        </p>
        <dl className="attrs">
          {Object.entries(c.attributes).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
            </div>
          ))}
        </dl>
        {isAdmin && (
          <div className="row">
            <a className="btn" href={`/api/customers/${encodeURIComponent(c.id)}/export`} download>
              Export data
            </a>
            <button type="button" className="btn danger" onClick={onErase}>
              Erase customer
            </button>
          </div>
        )}
      </section>
      <Card title="Scores">
        <table className="table">
          <tbody>
            {p.scores.map((s) => (
              <tr key={s.model}>
                <th title={MEANING[s.model] ?? s.model}>{s.model}</th>
                <td>{s.value === null ? '' : Number(s.value.toFixed(4))}</td>
                <td className="small">{MEANING[s.model] ?? ''}</td>
                <td className="small">{detail(s.data)}</td>
                <td className="small muted">computed {fmtDate(s.scoredAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {p.scores.length === 0 && <p className="muted small">Not scored yet: the models job scores customers nightly.</p>}
      </Card>
      <Card title="Journeys">
        <ul className="plain-list">
          {p.journeys.map((j) => (
            <li key={j.runId}>
              <a href={`#/journeys/${encodeURIComponent(j.journeyId)}`}>{j.journeyName}</a> — {j.status} at <code>{j.nodeId}</code> since {fmtDate(j.enteredAt)}{' '}
              <button type="button" className="btn small ghost" onClick={() => onTrace(j.runId)}>
                decision trace
              </button>
              {trace?.id === j.runId && (
                <ol className="small" aria-label={`Decision trace of run ${j.runId}`}>
                  {groupSteps(trace.history).map((h, i) =>
                    h.kind === 'replanned' ? (
                      <li key={i}>
                        <code>{h.nodeId}</code> replanned {h.count}× between {fmtTime(h.from, c.timezone)} and {fmtTime(h.to, c.timezone)}
                      </li>
                    ) : (
                      <li key={i}>
                        {fmtTime(h.step.at, c.timezone)} <code>{h.step.nodeId}</code> {h.step.kind}
                        {h.step.port ? ` → ${h.step.port}` : ''} {h.step.detail ? <span className="muted">{fmtValue(h.step.detail, c.timezone)}</span> : null}
                      </li>
                    ),
                  )}
                </ol>
              )}
            </li>
          ))}
          {p.journeys.length === 0 && <li className="muted small">In no journey.</li>}
        </ul>
      </Card>
      <Card title="Orders">
        <table className="table">
          <tbody>
            {p.orders.map((o) => (
              <tr key={o.orderId}>
                <td>{o.orderId}</td>
                <td>{fmtDate(o.orderedAt)}</td>
                <td>{o.amount.toFixed(2)}</td>
                <td className="small">{o.items.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Messages">
        <table className="table">
          <tbody>
            {p.messages.map((m) => (
              <tr key={m.key}>
                <td>{fmtDate(m.createdAt)}</td>
                <td>{m.kind}</td>
                <td>
                  {m.journeyId} / {m.nodeId}
                </td>
                <td>
                  {m.status}
                  {m.lastError && <span className="error small"> {m.lastError}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <DeliveryLogCard customerId={c.id} />
      <Card title="Recent events">
        <ul className="plain-list small">
          {p.events.map((e) => (
            <li key={e.id}>
              {fmtDate(e.occurredAt)} <strong>{e.type}</strong> {detail(e.properties)}
            </li>
          ))}
        </ul>
        <button type="button" className="btn small" onClick={onMoreEvents}>
          Older events
        </button>
      </Card>
    </div>
  );
}

/** Every message to the customer, read only when opened (a long history is paged from the server). */
function DeliveryLogCard({ customerId }: { customerId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="card" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>All deliveries</summary>
      {open && <DeliveryLog path={`/api/customers/${encodeURIComponent(customerId)}/deliveries`} searchable={false} />}
    </details>
  );
}

/** Customer search (id or email) and the profile of the one picked. */
export function Customers({ id, isAdmin }: { id?: string; isAdmin: boolean }) {
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Customer[]>([]);
  const [profile, setProfile] = useState<Profile | null>(null);
  const [events, setEvents] = useState(20);
  const [error, setError] = useState('');
  const [trace, setTrace] = useState<CustomerRun | null>(null);
  const showTrace = (runId: number) =>
    get<{ runs: CustomerRun[] }>(`/api/customers/${encodeURIComponent(id!)}/runs`).then((r) => setTrace(r.runs.find((x) => x.id === runId) ?? null), (e) => setError(errorText(e)));

  useEffect(() => {
    const t = setTimeout(() => {
      get<{ customers: Customer[] }>(`/api/customers?limit=20&search=${encodeURIComponent(search)}`).then((r) => setFound(r.customers), (e) => setError(errorText(e)));
    }, 250);
    return () => clearTimeout(t);
  }, [search]);
  useEffect(() => {
    setProfile(null);
    if (!id) return;
    get<Profile>(`/api/customers/${encodeURIComponent(id)}/profile?events=${events}`).then(setProfile, (e) => setError(errorText(e)));
  }, [id, events]);

  const erase = async () => {
    if (!id || !window.confirm(`Erase ${id}? Their personal data is removed for good; anonymised counts stay.`)) return;
    try {
      await api('DELETE', `/api/customers/${encodeURIComponent(id)}`);
      navigate({ page: 'customers' });
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div className="split-page">
      <aside className="card">
        <h2>Customers</h2>
        <input aria-label="Search customers" placeholder="id or email" value={search} onChange={(e) => setSearch(e.target.value)} />
        <ul className="plain-list">
          {found.map((c) => (
            <li key={c.id}>
              <a href={`#/customers/${encodeURIComponent(c.id)}`}>
                {c.id} <span className="muted small">{c.email}</span>
              </a>
            </li>
          ))}
        </ul>
      </aside>
      <div>
        {error && <p className="error">{error}</p>}
        {profile ? <CustomerProfile p={profile} isAdmin={isAdmin} onErase={erase} onMoreEvents={() => setEvents((n) => Math.min(n * 2, 1000))} trace={trace} onTrace={showTrace} /> : id ? <p className="muted">Loading…</p> : <p className="muted">Search for a customer by id or email.</p>}
      </div>
    </div>
  );
}
