import { formatCount, formatDuration, formatPercent } from '../utils/format.ts';
import { formatRate, type AnnotatorStats } from '../utils/team.ts';

interface Props {
  annotators: AnnotatorStats[];
  meId: number | undefined;
}

/** Each member's work: how much, how often it matches the final labels, and how fast. */
export function TeamTable({ annotators, meId }: Props) {
  const sorted = [...annotators].sort((a, b) => b.annotations - a.annotations || a.name.localeCompare(b.name));
  return (
    <div className="table-wrap">
      <table className="table" data-testid="team-table">
        <caption className="visually-hidden">Each annotator's work</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="numeric">
              Annotations
            </th>
            <th scope="col" className="numeric">
              Agrees with final label
            </th>
            <th scope="col" className="numeric">
              Median time per sample
            </th>
            <th scope="col" className="numeric">
              Samples per hour
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((a) => (
            <tr key={a.userId} data-user-id={a.userId}>
              <th scope="row">
                {a.name}
                {a.userId === meId ? <span className="muted"> (you)</span> : null}
              </th>
              <td className="numeric">{formatCount(a.annotations)}</td>
              <td className="numeric">
                {formatPercent(a.agreementWithResolution)}
                {/* Samples they resolved alone are left out: those agree with them by definition. */}
                <span className="table__sub">{a.compared > 0 ? `of ${formatCount(a.compared)} with a final label` : 'no final labels yet'}</span>
              </td>
              <td className="numeric">{formatDuration(a.medianMs)}</td>
              <td className="numeric">{formatRate(a.perHour)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
