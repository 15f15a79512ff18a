import type { TextPreview } from '../utils/upload.client.ts';

const maxCell = 160;

function describeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > maxCell ? `${text.slice(0, maxCell)}…` : text;
}

/** The first rows of a file, the chosen text column highlighted. */
export function PreviewTable({ preview, column }: { preview: TextPreview; column: string }) {
  return (
    <div className="table-wrap">
      <table className="table table--preview">
        <caption className="visually-hidden">First rows of the file</caption>
        <thead>
          <tr>
            {preview.columns.map((c) => (
              <th key={c} scope="col" className={c === column ? 'is-selected' : undefined}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, i) => (
            <tr key={i}>
              {preview.columns.map((c) => (
                <td key={c} className={c === column ? 'is-selected' : undefined}>
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
