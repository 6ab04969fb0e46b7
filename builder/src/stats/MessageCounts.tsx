import { fmtInt } from '../format.ts';
import type { NodeMessageStats } from '../types.ts';
import { problemLines } from './Messages.tsx';

/** An effect node's message numbers on the canvas, with a warning badge when messages failed or were skipped. */
export function MessageCounts({ m }: { m: NodeMessageStats }) {
  const problems = problemLines(m);
  const email = m.kinds.includes('email');
  return (
    <div className="jnode-messages" data-testid="node-messages">
      <span>
        <b>{fmtInt(m.sent)}</b> sent
      </span>
      {email && (
        <span>
          <b>{fmtInt(m.opened)}</b> opened
        </span>
      )}
      {email && (
        <span>
          <b>{fmtInt(m.clicked)}</b> clicked
        </span>
      )}
      <span className={m.failed ? 'bad' : ''}>
        <b>{fmtInt(m.failed)}</b> failed
      </span>
      {problems.length > 0 && (
        <span className="jnode-warn" role="img" aria-label={`Needs a look: ${problems.join('; ')}`} title={problems.join('\n')}>
          ⚠ {fmtInt(m.failed + m.skipped + m.unknown)}
        </span>
      )}
    </div>
  );
}
