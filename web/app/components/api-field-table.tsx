import type { FieldRow } from '../utils/openapi.ts';
import { Described } from './described.tsx';

/** The fields of a request or response body: name, type, required or not, rules and meaning. */
export function ApiFieldTable({ rows, caption }: { rows: FieldRow[]; caption: string }) {
  if (rows.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="table api-fields">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Meaning</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.path}>
              <td>
                <code className="api-fields__name">{row.path}</code>
                {row.required ? <span className="api-fields__required">{row.alternative ? `required in ${row.alternative}` : 'required'}</span> : null}
                {!row.required && row.alternative ? <span className="api-fields__optional">in {row.alternative}</span> : null}
              </td>
              <td className="api-fields__type">
                {row.type}
                {row.rules.length > 0 ? <span className="table__sub">{row.rules.join(' · ')}</span> : null}
              </td>
              <td>
                <Described text={row.description} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
