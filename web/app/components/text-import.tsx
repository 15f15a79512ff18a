import { useId, useState, type ChangeEvent, type FormEvent } from 'react';
import { describeError } from '../utils/errors.ts';
import { formatBytes, sentence } from '../utils/format.ts';
import { previewTextFile, type TextPreview } from '../utils/upload.client.ts';
import { useImportUpload } from '../utils/use-import-upload.ts';
import { defaultLabelColumn, refusesImport, summarizeLabelColumn } from '../utils/import-labels.ts';
import { ImportStatus, type ImportLimits } from './import-status.tsx';
import { LabelColumnField } from './label-column-field.tsx';
import { PreviewTable } from './preview-table.tsx';

/** The column a file's text most likely lives in: `text` when there is one. */
function defaultColumn(columns: string[]): string {
  return columns.find((c) => c === 'text') ?? columns.find((c) => c.toLowerCase() === 'text') ?? columns[0] ?? '';
}

interface Props {
  projectId: number;
  limits: ImportLimits;
  /** The project's label names: a label column's values must be among them. */
  labelNames: string[];
}

/** CSV/JSONL import: pick a file, check its preview, choose the text and label columns, import. */
export function TextImport({ projectId, limits, labelNames }: Props) {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<TextPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [column, setColumn] = useState('');
  const [labelColumn, setLabelColumn] = useState('');
  const upload = useImportUpload(projectId);

  async function chooseFile(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0] ?? null;
    setFile(chosen);
    setPreview(null);
    setPreviewError(null);
    upload.reset();
    if (!chosen) return;
    try {
      const result = await previewTextFile(projectId, chosen);
      setPreview(result);
      setColumn(defaultColumn(result.columns));
      setLabelColumn(defaultLabelColumn(result.columns, result.defaultLabelField));
    } catch (error) {
      setPreviewError(describeError(error));
    }
  }

  // One column cannot be both the text and its label.
  const chosenLabel = labelColumn === column ? '' : labelColumn;
  const labelSummary = preview && chosenLabel ? summarizeLabelColumn(preview.rows, chosenLabel, labelNames) : null;
  // The server would refuse the file for what the preview already shows: say so instead of trying.
  const refused = refusesImport(labelSummary);

  function startImport(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    const form = new FormData();
    form.append('textField', column);
    if (chosenLabel) form.append('labelField', chosenLabel);
    form.append('file', file);
    void upload.start(form);
  }

  return (
    <form className="stack" onSubmit={startImport}>
      <div className="field">
        <label htmlFor={`${id}-file`}>CSV or JSONL file</label>
        <input id={`${id}-file`} type="file" name="file" accept=".csv,.tsv,.jsonl,.ndjson,.json,text/csv,application/json" onChange={(e) => void chooseFile(e)} disabled={upload.busy} />
        <p className="field__hint">
          CSV with a header row, or JSON Lines (one object per line). Up to {limits.maxUploadMb} MiB and {limits.maxRows.toLocaleString('en')} rows per file; duplicate texts are skipped.
        </p>
      </div>
      {file && !preview && !previewError ? <p className="muted">Reading {file.name}…</p> : null}
      {previewError ? (
        <p className="form-error" role="alert" data-testid="import-error">
          {sentence(previewError)}
        </p>
      ) : null}
      {file && preview ? (
        <>
          <p className="muted">
            {file.name} · {formatBytes(file.size)} · {preview.format.toUpperCase()} · {preview.columns.length} {preview.format === 'csv' ? 'columns' : 'fields'}
          </p>
          <div className="field">
            <label htmlFor={`${id}-column`}>Text column</label>
            <select id={`${id}-column`} name="textField" value={column} onChange={(e) => setColumn(e.target.value)} disabled={upload.busy}>
              {preview.columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            <p className="field__hint">The other columns are kept with each sample as metadata.</p>
          </div>
          <LabelColumnField preview={preview} textColumn={column} value={chosenLabel} onChange={setLabelColumn} summary={labelSummary} labelNames={labelNames} disabled={upload.busy} />
          <PreviewTable preview={preview} column={column} labelColumn={chosenLabel} />
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={upload.busy || !column || refused} aria-describedby={refused ? `${id}-refused` : undefined}>
              {upload.busy ? 'Importing…' : 'Import'}
            </button>
            {refused ? (
              <span className="muted small" id={`${id}-refused`}>
                Fix the label column first (see above).
              </span>
            ) : null}
          </div>
        </>
      ) : null}
      <ImportStatus state={upload.state} projectId={projectId} />
    </form>
  );
}
