import { useId, useState, type FormEvent } from 'react';
import { formatBytes, pluralize } from '../utils/format.ts';
import { useImportUpload } from '../utils/use-import-upload.ts';
import { ImportStatus, type ImportLimits } from './import-status.tsx';

/** Image import: several image files and/or zips in one upload. */
export function ImageImport({ projectId, limits }: { projectId: number; limits: ImportLimits }) {
  const id = useId();
  const [files, setFiles] = useState<File[]>([]);
  const upload = useImportUpload(projectId);
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);

  function startImport(event: FormEvent) {
    event.preventDefault();
    if (files.length === 0) return;
    const form = new FormData();
    for (const file of files) form.append('files', file);
    void upload.start(form);
  }

  return (
    <form className="stack" onSubmit={startImport}>
      <div className="field">
        <label htmlFor={`${id}-files`}>Images or zip archives</label>
        <input
          id={`${id}-files`}
          type="file"
          name="files"
          multiple
          accept="image/png,image/jpeg,image/gif,image/webp,.png,.jpg,.jpeg,.gif,.webp,.zip,application/zip"
          disabled={upload.busy}
          onChange={(e) => {
            setFiles([...(e.target.files ?? [])]);
            upload.reset();
          }}
        />
        <p className="field__hint">
          PNG, JPEG, GIF or WebP, up to 10 MiB each; zips are unpacked. Up to 10,000 images and {limits.maxUploadMb} MiB per upload; duplicate images are skipped.
        </p>
      </div>
      {files.length > 0 ? (
        <p className="muted">
          {pluralize(files.length, 'file')} selected · {formatBytes(totalBytes)}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={upload.busy || files.length === 0}>
          {upload.busy ? 'Importing…' : 'Import'}
        </button>
      </div>
      <ImportStatus state={upload.state} projectId={projectId} />
    </form>
  );
}
