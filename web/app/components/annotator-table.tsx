import { formatCount } from '../utils/format.ts';
import type { StatsView } from '../utils/use-live-stats.ts';
import { ProgressBar } from './progress-bar.tsx';
import { RelativeTime } from './relative-time.tsx';

interface Props {
  annotators: StatsView['annotators'];
  meId: number | undefined;
}

/** Each member's annotation count (bars relative to the most active one) and when they last labeled. */
export function AnnotatorTable({ annotators, meId }: Props) {
  const sorted = [...annotators].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const most = Math.max(1, ...sorted.map((a) => a.count));
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Annotators' progress</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="numeric">
              Annotations
            </th>
            <th scope="col" className="hide-small">
              <span className="visually-hidden">Share</span>
            </th>
            <th scope="col">Last active</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((a) => (
            <tr key={a.userId}>
              <td>
                {a.name}
                {a.userId === meId ? <span className="muted"> (you)</span> : null}
              </td>
              <td className="numeric">{formatCount(a.count)}</td>
              <td className="hide-small table__bar">
                <ProgressBar value={a.count} max={most} label={`${a.name}'s share`} />
              </td>
              <td>
                <RelativeTime date={a.lastAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
