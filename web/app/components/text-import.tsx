import { useId, useState, type ChangeEvent, type FormEvent } from 'react';
import { describeError } from '../utils/errors.ts';
import { formatBytes, sentence } from '../utils/format.ts';
import { previewTextFile, type TextPreview } from '../utils/upload.client.ts';
import { useImportUpload } from '../utils/use-import-upload.ts';
import { ImportStatus, type ImportLimits } from './import-status.tsx';
import { PreviewTable } from './preview-table.tsx';

/** The column a file's text most likely lives in: `text` when there is one. */
function defaultColumn(columns: string[]): string {
  return columns.find((c) => c === 'text') ?? columns.find((c) => c.toLowerCase() === 'text') ?? columns[0] ?? '';
}

/** CSV/JSONL import: pick a file, check its preview, choose the text column, import. */
export function TextImport({ projectId, limits }: { projectId: number; limits: ImportLimits }) {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<TextPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [column, setColumn] = useState('');
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
    } catch (error) {
      setPreviewError(describeError(error));
    }
  }

  function startImport(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    const form = new FormData();
    form.append('textField', column);
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
          <PreviewTable preview={preview} column={column} />
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={upload.busy || !column}>
              {upload.busy ? 'Importing…' : 'Import'}
            </button>
          </div>
        </>
      ) : null}
      <ImportStatus state={upload.state} projectId={projectId} />
    </form>
  );
}
