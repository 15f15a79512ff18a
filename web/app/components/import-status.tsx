import { Link } from '@remix-run/react';
import { sentence } from '../utils/format.ts';
import { describeImport, type ImportState } from '../utils/use-import-upload.ts';
import { ProgressBar } from './progress-bar.tsx';

/** Progress of the running import, then its result or the server's error (which names the bad row). */
export function ImportStatus({ state, projectId }: { state: ImportState; projectId: number }) {
  if (state.phase === 'idle') return null;
  if (state.phase === 'uploading' || state.phase === 'processing') {
    return (
      <div className="import-status" aria-live="polite">
        <ProgressBar value={state.percent} max={100} label="Upload progress" size="large" />
        <p className="muted">{state.phase === 'uploading' ? `Uploading… ${state.percent}%` : 'Processing… checking every row and skipping duplicates'}</p>
      </div>
    );
  }
  if (state.phase === 'failed') {
    return (
      <p className="form-error" role="alert" data-testid="import-error">
        {sentence(state.message)}
      </p>
    );
  }
  return (
    <div className="callout callout--success" role="status">
      <p data-testid="import-result">{describeImport(state.result)}.</p>
      <div className="actions">
        <Link to={`/projects/${projectId}/label`} className="button button--primary">
          Start labeling
        </Link>
        <Link to={`/projects/${projectId}`} className="button">
          Back to the overview
        </Link>
      </div>
    </div>
  );
}

/** The instance's import limits, as the project loader reports them. */
export interface ImportLimits {
  maxUploadMb: number;
  maxRows: number;
}
