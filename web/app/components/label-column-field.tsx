import { useId } from 'react';
import { pluralize } from '../utils/format.ts';
import { refusesImport, type LabelColumnSummary } from '../utils/import-labels.ts';
import type { TextPreview } from '../utils/upload.client.ts';

interface Props {
  preview: TextPreview;
  /** The text column, which cannot also be the label column. */
  textColumn: string;
  /** The chosen label column; '' for none. */
  value: string;
  onChange: (column: string) => void;
  /** What the preview's rows hold in the chosen column; null for none. */
  summary: LabelColumnSummary | null;
  labelNames: string[];
  disabled: boolean;
}

const quoted = (names: string[]) => names.map((n) => `“${n}”`).join(', ');

function describeSummary(summary: LabelColumnSummary, problem: boolean): string {
  const counted = `${summary.labeled} of ${pluralize(summary.rows, 'preview row')}`;
  const verb = summary.labeled === 1 ? 'carries' : 'carry';
  if (problem) return `${counted} ${verb} a value in this column.`;
  return `${counted} ${verb} a label; those samples arrive labeled by you. Blank cells stay unlabeled.`;
}

/**
 * The label column picker of a text import: how many preview rows carry a label, and a warning
 * when one is not among the project's labels (the server would refuse the whole file).
 */
export function LabelColumnField({ preview, textColumn, value, onChange, summary, labelNames, disabled }: Props) {
  const id = useId();
  const noun = preview.format === 'csv' ? 'column' : 'field';
  // An export's label column is read unless another is named: "none" is not on offer there.
  const fixed = preview.defaultLabelField !== undefined;
  const problem = refusesImport(summary);
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-label`}>Label column</label>
        <select id={`${id}-label`} name="labelField" value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} aria-describedby={`${id}-label-hint`}>
          <option value="" disabled={fixed}>
            (none)
          </option>
          {preview.columns
            .filter((c) => c !== textColumn)
            .map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
        </select>
        <p className="field__hint" id={`${id}-label-hint`} data-testid="label-column-summary">
          {summary ? describeSummary(summary, problem) : `Samples arrive unlabeled. Choose a ${noun} of label names (${quoted(labelNames)}) to import them labeled.`}
          {fixed ? ' This file is a Sift export, so its labels come along.' : null}
        </p>
      </div>
      {summary && problem ? (
        <div className="callout callout--warning" role="status" data-testid="label-column-warning">
          {summary.unknown.length > 0 ? (
            <p>
              Not {summary.unknown.length === 1 ? 'a label' : 'labels'} of this project: {quoted(summary.unknown)}. This project's labels are {quoted(labelNames)}; the import
              refuses a file with any other, so fix the file or choose another {noun} to import it.
            </p>
          ) : null}
          {summary.notText > 0 ? (
            <p>
              {pluralize(summary.notText, 'preview row')} {summary.notText === 1 ? 'holds' : 'hold'} a number or list instead of a label name; the import refuses those.
            </p>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
