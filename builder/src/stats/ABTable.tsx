import { fmtInt, fmtPct } from '../format.ts';
import type { VariantStats } from '../types.ts';

/** Per-variant conversion, lift over control, 95 % interval of the difference and P(beats control). */
export function ABTable({ rows, onDeclareWinner }: { rows: VariantStats[]; /** Offers a "Declare winner" button per variant (live numbers only). */ onDeclareWinner?: (variant: string) => void }) {
  return (
    <table className="table compact ab-table" aria-label="Experiment results">
      <thead>
        <tr>
          <th>Variant</th>
          <th className="num">Customers</th>
          <th className="num">Conv.</th>
          <th className="num">Lift</th>
          <th className="num">95% CI</th>
          <th className="num">P(beat)</th>
          {onDeclareWinner && <th />}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.variant}>
            <td>
              {r.variant}
              {r.isControl && <span className="badge small">control</span>}
            </td>
            <td className="num">{fmtInt(r.runs)}</td>
            <td className="num">{fmtPct(r.rate)}</td>
            <td className={`num ${r.lift === null ? '' : r.lift >= 0 ? 'pos' : 'neg'}`}>{r.lift === null ? '–' : `${r.lift >= 0 ? '+' : ''}${fmtPct(r.lift)}`}</td>
            <td className="num small">{r.ci95 ? `${fmtPct(r.ci95[0])} … ${fmtPct(r.ci95[1])}` : '–'}</td>
            <td className="num">{fmtPct(r.probBeatControl, 0)}</td>
            {onDeclareWinner && (
              <td className="actions">
                {r.variant !== 'holdout' && (
                  <button type="button" className="btn small" aria-label={`Declare ${r.variant} the winner`} onClick={() => onDeclareWinner(r.variant)}>
                    Declare winner
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
