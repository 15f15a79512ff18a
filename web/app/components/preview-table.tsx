import type { TextPreview } from '../utils/upload.client.ts';

const maxCell = 160;

function describeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > maxCell ? `${text.slice(0, maxCell)}…` : text;
}

/** The cell class of a column: the text column highlighted, the label column tinted. */
function columnClass(c: string, column: string, labelColumn: string): string | undefined {
  if (c === column) return 'is-selected';
  return c === labelColumn ? 'is-label' : undefined;
}

/** The first rows of a file, the chosen text and label columns marked. */
export function PreviewTable({ preview, column, labelColumn = '' }: { preview: TextPreview; column: string; labelColumn?: string }) {
  return (
    <div className="table-wrap">
      <table className="table table--preview">
        <caption className="visually-hidden">First rows of the file</caption>
        <thead>
          <tr>
            {preview.columns.map((c) => (
              <th key={c} scope="col" className={columnClass(c, column, labelColumn)}>
                {c}
                {c === column ? <span className="table__role">text</span> : c === labelColumn ? <span className="table__role">label</span> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, i) => (
            <tr key={i}>
              {preview.columns.map((c) => (
                <td key={c} className={columnClass(c, column, labelColumn)}>
                  {describeCell(row[c])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
