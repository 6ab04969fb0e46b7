import { fmtInt, fmtPct } from '../format.ts';
import type { Estimate, LiftReport as Report } from '../../../engine/stats/lift.ts';
import type { JourneyLift } from '../../../engine/stats/journey-lift.ts';

const money = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const signed = (text: string, x: number) => `${x >= 0 ? '+' : ''}${text}`;
const range = (ci: [number, number] | null, f: (x: number) => string) => (ci ? `${f(ci[0])} … ${f(ci[1])}` : '–');

/** One lift row: the absolute difference and the relative one, each over its 95 % interval (stacked: the side panel is narrow). */
function LiftRow({ label, e, f }: { label: string; e: Estimate; f: (x: number) => string }) {
  return (
    <tr>
      <td>
        {label}
        {e.significant ? <span className="badge small">significant</span> : <span className="muted small"> not yet significant</span>}
      </td>
      <td className={`num ${e.absolute >= 0 ? 'pos' : 'neg'}`}>
        {signed(f(e.absolute), e.absolute)}
        <div className="muted small">{range(e.absoluteCi95, f)}</div>
      </td>
      <td className="num">
        {e.relative === null ? '–' : signed(fmtPct(e.relative), e.relative)}
        <div className="muted small">{range(e.relativeCi95, (x) => fmtPct(x))}</div>
      </td>
    </tr>
  );
}

/** Treated against held out for one journey or message: the groups, the lift, and how many more customers it needs. */
export function LiftTable({ title, report }: { title: string; report: Report }) {
  const r = report;
  return (
    <section className="panel-section lift" aria-label={`Lift: ${title}`}>
      <h3>Lift: {title}</h3>
      <table className="table compact" aria-label="Treated and held out">
        <thead>
          <tr>
            <th>Group</th>
            <th className="num">Customers</th>
            <th className="num">Conv.</th>
            <th className="num">Rev. / cust.</th>
          </tr>
        </thead>
        <tbody>
          {(['treated', 'holdout'] as const).map((g) => (
            <tr key={g}>
              <td>{g === 'treated' ? 'Treated' : 'Held out'}</td>
              <td className="num">{fmtInt(r[g].customers)}</td>
              <td className="num">{fmtPct(r[g].conversionRate)}</td>
              <td className="num">{money(r[g].revenuePerCustomer)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.status === 'not enough data' ? (
        <div className="lift-wait" role="status">
          <p>
            <strong>Not enough data</strong> yet to measure the lift.
          </p>
          <ul className="muted small">
            {r.reasons.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </div>
      ) : (
        <table className="table compact" aria-label="Lift with 95% intervals">
          <thead>
            <tr>
              <th>Lift (95% CI)</th>
              <th className="num">Absolute</th>
              <th className="num">Relative</th>
            </tr>
          </thead>
          <tbody>
            {r.conversion && <LiftRow label="Conversion" e={r.conversion} f={(x) => fmtPct(x)} />}
            {r.revenuePerCustomer && <LiftRow label="Revenue / customer" e={r.revenuePerCustomer} f={money} />}
          </tbody>
        </table>
      )}
      {r.incrementalRevenue && (
        <p>
          Incremental revenue: <strong>{money(r.incrementalRevenue.value)}</strong> <span className="muted small">(95% CI {range(r.incrementalRevenue.ci95, money)})</span>
        </p>
      )}
      {r.sampleSize && (
        <p className="muted small">
          {r.sampleSize.remaining > 0
            ? `About ${fmtInt(r.sampleSize.remaining)} more customers needed to detect a ${fmtPct(r.sampleSize.mde, 0)} relative change (α ${r.sampleSize.alpha}, power ${r.sampleSize.power}).`
            : `Enough customers to detect a ${fmtPct(r.sampleSize.mde, 0)} relative change (α ${r.sampleSize.alpha}, power ${r.sampleSize.power}).`}
        </p>
      )}
    </section>
  );
}

/** The journey's lift report (holdout) and each held-out message's, as the stats API carries them. */
export function LiftReport({ lift }: { lift: JourneyLift }) {
  const span = lift.window ? `within ${lift.window} of entry` : 'since entry';
  return (
    <>
      <p className="muted small">
        {lift.goal ? `Conversion: ${lift.goal} ${span}.` : 'No goal set: only revenue is compared.'} Revenue: orders {span}.
      </p>
      {lift.journey && <LiftTable title="journey" report={lift.journey} />}
      {Object.entries(lift.messages).map(([nodeId, report]) => (
        <LiftTable key={nodeId} title={`message ${nodeId}`} report={report} />
      ))}
    </>
  );
}
