import { useCallback, useEffect, useRef, useState } from 'react';
import { get, post } from '../api.ts';
import { errorText } from '../format.ts';
import type { PublishedVersion } from './VersionsDialog.tsx';

interface Move {
  from: string;
  to: string;
  runs: number;
  replan: boolean;
}

interface Plan {
  fromVersion: number;
  toVersion: number;
  moves: Move[];
  moved: number;
  exited: number;
  stayed: number;
  busy: number;
}

type GraphNode = { id: string; type: string };
// The server's choices besides a node: node ids cannot start with `$`, so a node named "exit" stays a target.
const STAY = '$stay';
const EXIT = '$exit';
const nodesOf = (v: PublishedVersion | undefined) => (v?.graph.nodes ?? []) as GraphNode[];

/** What a move does, in words: the dialog's last column. */
export function moveText(m: Move, toVersion: number): string {
  if (m.to === STAY) return `stay on the old version`;
  if (m.to === EXIT) return 'leave the journey';
  return `move to "${m.to}" in v${toVersion}, ${m.replan ? 'wait planned again (the node changed)' : 'same due time'}`;
}

/**
 * Offered right after publishing: moves the customers waiting in the previous version onto the
 * new one. Nodes that kept their id map to themselves; each removed node with customers waiting
 * gets a choice (a node of the new version, stay, exit). The counts are the server's dry run,
 * asked again on every change; nothing moves until "Move customers". Closes itself when nobody waits.
 */
export function MigrateDialog(props: { journeyId: string; onClose: () => void; onDone: (text: string) => void }) {
  const base = `/api/journeys/${encodeURIComponent(props.journeyId)}`;
  const [versions, setVersions] = useState<PublishedVersion[] | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // Through a ref: the parent passes a new function each render, which must not restart the loading.
  const closeRef = useRef(props.onClose);
  closeRef.current = props.onClose;
  const onClose = useCallback(() => closeRef.current(), []);

  useEffect(() => {
    get<{ versions: PublishedVersion[] }>(`${base}/versions`).then(
      (r) => {
        const [live, previous] = r.versions;
        if (!live || !previous) return onClose();
        const kept = new Set(nodesOf(live).map((n) => n.id));
        // Removed nodes start on "stay": the dry run is valid at once, and nothing moves unasked.
        setMapping(Object.fromEntries(nodesOf(previous).filter((n) => !kept.has(n.id)).map((n) => [n.id, STAY])));
        setVersions(r.versions);
      },
      (e) => setError(errorText(e)),
    );
  }, [base, onClose]);

  const dryRun = useCallback(
    (m: Record<string, string>) =>
      post<Plan>(`${base}/migrate`, { mapping: m, dryRun: true }).then(
        (p) => {
          if (p.moves.reduce((n, x) => n + x.runs, 0) === 0) return onClose();
          setError('');
          setPlan(p);
        },
        (e) => setError(errorText(e)),
      ),
    [base, onClose],
  );
  useEffect(() => {
    if (versions) void dryRun(mapping);
  }, [versions, mapping, dryRun]);

  const apply = async () => {
    setBusy(true);
    try {
      const r = await post<Plan>(`${base}/migrate`, { mapping, dryRun: false });
      const left = r.busy ? `; ${r.busy} were mid-step and stay on v${r.fromVersion} (migrate again to move them)` : '';
      props.onDone(`Moved ${r.moved} customer${r.moved === 1 ? '' : 's'} to v${r.toVersion}, ${r.exited} left the journey, ${r.stayed} stayed on v${r.fromVersion}${left}.`);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  const live = versions?.[0];
  const targets = nodesOf(live).map((n) => n.id);
  const waiting = plan?.moves.reduce((n, m) => n + m.runs, 0) ?? 0;
  const moving = plan?.moves.filter((m) => m.to !== STAY).reduce((n, m) => n + m.runs, 0) ?? 0;
  if (!plan && !error) return null;
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-label="Move waiting customers" onClick={(e) => e.stopPropagation()}>
        <h2>Move waiting customers to v{plan?.toVersion}?</h2>
        {plan && (
          <p className="muted">
            {waiting} customer{waiting === 1 ? ' is' : 's are'} waiting in v{plan.fromVersion}. Without a move they finish on v{plan.fromVersion}. Waits that did not change keep their due
            time; a changed wait is planned again from when the customer reached it.
          </p>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {plan && (
          <table className="table" aria-label="Migration plan">
            <thead>
              <tr>
                <th>Waiting at (v{plan.fromVersion})</th>
                <th className="num">Customers</th>
                <th>Goes to</th>
                <th>What happens</th>
              </tr>
            </thead>
            <tbody>
              {plan.moves.map((m) => (
                <tr key={m.from} data-node={m.from}>
                  <td>{m.from}</td>
                  <td className="num" data-testid={`runs-${m.from}`}>
                    {m.runs}
                  </td>
                  <td>
                    {m.from in mapping ? (
                      <select aria-label={`Target for ${m.from}`} value={mapping[m.from]} onChange={(e) => setMapping({ ...mapping, [m.from]: e.target.value })}>
                        <option value={STAY}>Stay on v{plan.fromVersion}</option>
                        <option value={EXIT}>Exit the journey</option>
                        {targets.map((t) => (
                          <option key={t} value={t}>
                            {t}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span>{m.to} (same node)</span>
                    )}
                  </td>
                  <td>{moveText(m, plan.toVersion)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="row end">
          <button type="button" className="btn" onClick={props.onClose} disabled={busy}>
            Keep them on v{plan?.fromVersion}
          </button>
          <button type="button" className="btn primary" onClick={apply} disabled={busy || !plan || moving === 0}>
            {busy ? 'Moving…' : `Move ${moving} customer${moving === 1 ? '' : 's'}`}
          </button>
        </div>
      </div>
    </div>
  );
}
