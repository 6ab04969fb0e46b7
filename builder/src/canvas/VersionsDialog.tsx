import { useEffect, useState } from 'react';
import { get } from '../api.ts';
import { errorText, fmtDate } from '../format.ts';

export interface PublishedVersion {
  version: number;
  publishedAt: number | string;
  graph: { nodes?: unknown[] } & Record<string, unknown>;
}

/** Published versions, newest first; one can be restored onto the canvas as the draft (undoable). */
export function VersionsDialog(props: { journeyId: string; liveVersion: number | null; onClose: () => void; onRestore: (v: PublishedVersion) => void }) {
  const [versions, setVersions] = useState<PublishedVersion[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    get<{ versions: PublishedVersion[] }>(`/api/journeys/${encodeURIComponent(props.journeyId)}/versions`).then(
      (r) => setVersions(r.versions),
      (e) => setError(errorText(e)),
    );
  }, [props.journeyId]);
  return (
    <div className="modal-backdrop" onClick={props.onClose}>
      <div className="modal" role="dialog" aria-label="Versions" onClick={(e) => e.stopPropagation()}>
        <h2>Published versions</h2>
        <p className="muted">Customers in flight stay on the version they entered. Restoring puts a version on the canvas as the draft; publish it to make it live again.</p>
        {error && <p className="error" role="alert">{error}</p>}
        {!versions && !error && <p aria-busy="true">Loading…</p>}
        {versions && versions.length === 0 && <p>Nothing published yet.</p>}
        {versions && versions.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th>Version</th>
                <th>Published</th>
                <th className="num">Nodes</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.version} data-version={v.version}>
                  <td>
                    v{v.version} {v.version === props.liveVersion && <span className="badge">live</span>}
                  </td>
                  <td>{fmtDate(v.publishedAt)}</td>
                  <td className="num">{v.graph.nodes?.length ?? 0}</td>
                  <td>
                    <button type="button" className="btn" onClick={() => props.onRestore(v)}>
                      Restore as draft
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="row end">
          <button type="button" className="btn" onClick={props.onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
