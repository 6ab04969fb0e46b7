import { fmtInt, fmtPct } from '../format.ts';
import type { JourneyMessageStats, NodeMessageStats } from '../types.ts';
import { DayChart } from './DayChart.tsx';
import { fmtMoney } from './money.ts';

/** A node's skips and failures, one line each: what the canvas badge and the table say needs a look. */
export function problemLines(m: NodeMessageStats): string[] {
  return [
    ...(m.failed ? [`${fmtInt(m.failed)} failed`] : []),
    ...Object.entries(m.skippedBy)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${fmtInt(n)} skipped: ${reason}`),
    ...(m.unknown ? [`${fmtInt(m.unknown)} unknown (check the outbox)`] : []),
  ];
}

/**
 * The Numbers tab's message analytics: per effect node, in journey order, deliveries with skips by
 * reason and the top errors, engagement and attributed revenue with their rates, and sends and
 * conversions per day.
 */
export function Messages({ stats, order, title }: { stats: JourneyMessageStats; order: string[]; title: (nodeId: string) => string }) {
  const rank = new Map(order.map((id, i) => [id, i]));
  const nodes = Object.values(stats.nodes).sort((a, b) => (rank.get(a.nodeId) ?? 1e9) - (rank.get(b.nodeId) ?? 1e9) || a.nodeId.localeCompare(b.nodeId));
  return (
    <section className="panel-section messages" aria-label="Messages">
      <h3>Messages</h3>
      <p className="muted small">
        Revenue: {fmtMoney(stats.revenue)} from {fmtInt(stats.conversions)} orders, each credited to this journey's last message before it, if within {stats.attribution}.
      </p>
      {nodes.length === 0 && <p className="muted">No messages yet.</p>}
      {nodes.map((m) => (
        <NodeMessages key={m.nodeId} m={m} title={title(m.nodeId)} />
      ))}
    </section>
  );
}

function NodeMessages({ m, title }: { m: NodeMessageStats; title: string }) {
  const rows: [string, string, string][] = [
    ['Queued', fmtInt(m.queued), ''],
    ['Sent', fmtInt(m.sent), `${fmtInt(m.recipients)} recipients`],
    ['Skipped', fmtInt(m.skipped), ''],
    ['Failed', fmtInt(m.failed), ''],
    ...(m.kinds.includes('email')
      ? ([
          ['Opened', fmtInt(m.opened), `${fmtPct(m.openRate)} of sent`],
          ['Clicked', fmtInt(m.clicked), `${fmtPct(m.clickRate)} of opened`],
          ['Unsubscribed', fmtInt(m.unsubscribed), ''],
        ] as [string, string, string][])
      : []),
    ['Conversions', fmtInt(m.conversions), m.kinds.includes('email') ? `${fmtPct(m.conversionRate)} of clicked` : ''],
    ['Revenue', fmtMoney(m.revenue), `${fmtMoney(m.revenuePerRecipient)} per recipient`],
  ];
  const skips = Object.entries(m.skippedBy).sort((a, b) => b[1] - a[1]);
  return (
    <article className="message-node" data-message-node={m.nodeId}>
      <h4>
        {title} <span className="muted small">{m.kinds.join(', ')}</span>
      </h4>
      <table className="table compact" aria-label={`Messages of ${title}`}>
        <tbody>
          {rows.map(([label, value, note]) => (
            <tr key={label} data-metric={label.toLowerCase()}>
              <th scope="row">{label}</th>
              <td className="num">{value}</td>
              <td className="muted small">{note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {skips.length > 0 && (
        <div className="reasons">
          <h5>Skipped, by reason</h5>
          <ul aria-label={`Skip reasons of ${title}`}>
            {skips.map(([reason, n]) => (
              <li key={reason}>
                <span>{reason}</span> <b>{fmtInt(n)}</b>
              </li>
            ))}
          </ul>
        </div>
      )}
      {m.topErrors.length > 0 && (
        <div className="reasons errors">
          <h5>Top errors</h5>
          <ul aria-label={`Errors of ${title}`}>
            {m.topErrors.map((e) => (
              <li key={e.error}>
                <span>{e.error}</span> <b>{fmtInt(e.count)}</b>
              </li>
            ))}
          </ul>
        </div>
      )}
      <DayChart points={m.daily} label={`Sends and conversions per day of ${title}`} />
    </article>
  );
}
