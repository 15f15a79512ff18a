import type { CSSProperties } from 'react';
import { formatCount, percentOf } from '../utils/format.ts';

interface Props {
  /** Class names in class-index order (rows and columns). */
  names: string[];
  /** rows = true class, columns = predicted class. */
  confusion: number[][];
}

// Past this many classes the cells shrink so the whole matrix stays legible while it scrolls.
const denseFrom = 16;

/**
 * Each cell is shaded by its share of the row (how the true class's samples were predicted):
 * teal on the diagonal (right), red off it (wrong), so the worst confusions stand out.
 */
function cellStyle(count: number, rowTotal: number, correct: boolean): CSSProperties {
  if (count === 0 || rowTotal === 0) return {};
  const share = count / rowTotal;
  const rgb = correct ? '15 118 110' : '180 35 24';
  return { background: `rgb(${rgb} / ${(0.08 + share * 0.82).toFixed(3)})`, color: share > 0.5 ? '#fff' : undefined };
}

/** The confusion matrix as a heatmap table; scrolls in both directions with the names kept in view. */
export function ConfusionMatrix({ names, confusion }: Props) {
  const dense = names.length >= denseFrom;
  return (
    <div className={`confusion${dense ? ' confusion--dense' : ''}`} role="region" aria-label="Confusion matrix" tabIndex={0}>
      <table className="confusion__table">
        <caption className="visually-hidden">Rows: true label. Columns: predicted label. Each cell counts samples.</caption>
        <thead>
          <tr>
            <th scope="col" className="confusion__corner">
              <span className="muted">true ↓ predicted →</span>
            </th>
            {names.map((name, j) => (
              <th key={j} scope="col" className="confusion__col" title={name}>
                <span>{name}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, i) => {
            const total = row.reduce((sum, n) => sum + n, 0);
            const trueName = names[i] ?? `class ${i + 1}`;
            return (
              <tr key={i}>
                <th scope="row" className="confusion__row" title={trueName}>
                  {trueName}
                </th>
                {row.map((count, j) => (
                  <td
                    key={j}
                    className={i === j ? 'is-diagonal' : undefined}
                    style={cellStyle(count, total, i === j)}
                    title={`${trueName} predicted as ${names[j] ?? `class ${j + 1}`}: ${formatCount(count)} of ${formatCount(total)} (${percentOf(count, total)}%)`}
                  >
                    {count === 0 ? '' : formatCount(count)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
