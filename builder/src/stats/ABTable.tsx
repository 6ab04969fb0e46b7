import { fmtInt, fmtPct } from '../format.ts';
import type { VariantRow } from '../types.ts';
import { fmtMoney } from './money.ts';

/**
 * Per-variant customers, conversion and revenue, and against control: lift, its 95 % interval and
 * P(beats control). Four columns so it fits the side panel; the comparison is withheld as "not
 * enough data" while the server says the sample is too small to mean anything. With
 * `onDeclareWinner` (live numbers) each variant offers "Declare winner" under its name.
 */
export function ABTable({ rows, onDeclareWinner }: { rows: VariantRow[]; onDeclareWinner?: (variant: string) => void }) {
  return (
    <table className="table compact ab-table" aria-label="Experiment results">
      <thead>
        <tr>
          <th>Variant</th>
          <th className="num">Conv.</th>
          <th className="num">Revenue</th>
          <th className="num">vs control</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.variant} data-variant={r.variant}>
            <td>
              <div className="ab-name">
                {r.variant}
                {r.isControl && <span className="badge small">control</span>}
              </div>
              <div className="muted small">{fmtInt(r.runs)} customers</div>
              {onDeclareWinner && r.variant !== 'holdout' && (
                <button type="button" className="btn small" aria-label={`Declare ${r.variant} the winner`} onClick={() => onDeclareWinner(r.variant)}>
                  Declare winner
                </button>
              )}
            </td>
            <td className="num">
              {fmtPct(r.rate)}
              <div className="muted small">{fmtInt(r.conversions)}</div>
            </td>
            <td className="num">
              {r.revenue === undefined ? '–' : fmtMoney(r.revenue)}
              {r.revenuePerCustomer !== undefined && r.revenuePerCustomer !== null && <div className="muted small">{fmtMoney(r.revenuePerCustomer)} each</div>}
            </td>
            <td className="num">
              {r.isControl ? (
                '–'
              ) : r.enoughData === false ? (
                <span className="muted small" title="Too few customers or conversions in this variant and control to compare them yet">
                  not enough data
                </span>
              ) : (
                <Comparison r={r} />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Comparison({ r }: { r: VariantRow }) {
  return (
    <>
      <span className={r.lift === null ? '' : r.lift >= 0 ? 'pos' : 'neg'}>{r.lift === null ? '–' : `${r.lift >= 0 ? '+' : ''}${fmtPct(r.lift)}`}</span>
      {r.ci95 && <div className="muted small">{`${fmtPct(r.ci95[0])} … ${fmtPct(r.ci95[1])}`}</div>}
      <div className="small">P(beat) {fmtPct(r.probBeatControl, 0)}</div>
    </>
  );
}
