import { formatAgreement, interpretAgreement } from '../utils/agreement.ts';
import type { TeamStats } from '../utils/team.ts';

interface Props {
  labels: { id: number; name: string }[];
  perCategory: TeamStats['agreement']['perCategory'];
}

/** Agreement on each label (that label against all others), in label-set order, with α as a bar. */
export function LabelAgreementTable({ labels, perCategory }: Props) {
  const byLabel = new Map(perCategory.map((c) => [c.category, c]));
  const rows = labels.flatMap((label) => {
    const figures = byLabel.get(label.id);
    return figures ? [{ label, ...figures }] : [];
  });
  if (rows.length === 0) return <p className="muted">No label has been used on a shared sample yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table label-agreement" data-testid="label-agreement">
        <caption className="visually-hidden">Agreement per label</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col" className="numeric">
              Cohen’s <span className="greek">κ</span>
            </th>
            <th scope="col" className="numeric">
              Fleiss’ <span className="greek">κ</span>
            </th>
            <th scope="col" className="numeric">
              Krippendorff’s <span className="greek">α</span>
            </th>
            <th scope="col" className="hide-small">
              <span className="visually-hidden">α as a bar</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label.id}>
              <th scope="row">{row.label.name}</th>
              <td className="numeric">{formatAgreement(row.cohen)}</td>
              <td className="numeric">{formatAgreement(row.fleiss)}</td>
              <td className="numeric" title={interpretAgreement(row.alpha) ?? undefined}>
                {formatAgreement(row.alpha)}
              </td>
              <td className="hide-small table__bar">
                {/* Below zero draws nothing: the number says how far below. */}
                <span className="bar-chart__track" aria-hidden="true">
                  <span className="bar-chart__bar" style={{ width: `${Math.max(0, Math.min(1, row.alpha ?? 0)) * 100}%` }} />
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
