import type { RunStep } from '../types.ts';
import { fmtTime, fmtValue, groupSteps } from './steps.ts';

/** A run's decision trace: each step with its time in the customer's zone and its inputs, re-plans folded. */
export function TraceSteps({ history, zone, title = (id) => id }: { history: readonly RunStep[]; zone?: string | null; /** A node's name (falls back to its id). */ title?: (nodeId: string) => string }) {
  return (
    <ol className="steps" aria-label="Trace steps">
      {groupSteps(history).map((item, i) =>
        item.kind === 'replanned' ? (
          <li key={i} className="step">
            <div className="row between">
              <span>
                <b>{title(item.nodeId)}</b> <code className="muted small">{item.nodeId}</code>
              </span>
              <span className="muted small">{fmtTime(item.to, zone)}</span>
            </div>
            <div className="small">
              replanned {item.count}× between {fmtTime(item.from, zone)} and {fmtTime(item.to, zone)}
            </div>
            <Detail detail={item.last.detail} zone={zone} />
          </li>
        ) : (
          <li key={i} className="step">
            <div className="row between">
              <span>
                <b>{title(item.step.nodeId)}</b> <code className="muted small">{item.step.nodeId}</code>
              </span>
              <span className="muted small">{fmtTime(item.step.at, zone)}</span>
            </div>
            <div className="small">
              {item.step.kind}
              {item.step.port && (
                <>
                  {' '}
                  → <span className="badge small port">{item.step.port}</span>
                </>
              )}
            </div>
            <Detail detail={item.step.detail} zone={zone} />
          </li>
        ),
      )}
    </ol>
  );
}

function Detail({ detail, zone }: { detail: RunStep['detail']; zone?: string | null }) {
  const entries = Object.entries(detail ?? {}).filter(([k]) => k !== 'replanned');
  if (!entries.length) return null;
  return (
    <dl className="detail">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{fmtValue(v, zone)}</dd>
        </div>
      ))}
    </dl>
  );
}
