import { useCallback, useRef, useState } from 'react';
import { formatCount, pluralize } from './format.ts';
import { describeError } from './errors.ts';
import { uploadImport, type ImportResult } from './upload.client.ts';

export type ImportState =
  | { phase: 'idle' }
  | { phase: 'uploading'; percent: number }
  | { phase: 'processing'; percent: number }
  | { phase: 'done'; result: ImportResult }
  | { phase: 'failed'; message: string };

/** "Imported 120 samples (40 labeled), skipped 3 duplicates". */
export function describeImport(result: Pick<ImportResult, 'imported' | 'duplicates' | 'labeled' | 'restored'>): string {
  const skipped = result.duplicates > 0 ? `skipped ${pluralize(result.duplicates, 'duplicate')}` : 'no duplicates';
  const labeled = result.labeled > 0 ? ` (${formatCount(result.labeled)} labeled)` : '';
  const restored = result.restored > 0 ? `; restored ${pluralize(result.restored, 'annotation')} by this project's members` : '';
  return `Imported ${pluralize(result.imported, 'sample')}${labeled}, ${skipped}${restored}`;
}

/** One import at a time, with upload progress, then the server's result or its error message. */
export function useImportUpload(projectId: number) {
  const [state, setState] = useState<ImportState>({ phase: 'idle' });
  const running = useRef(false);

  const start = useCallback(
    async (form: FormData) => {
      if (running.current) return;
      running.current = true;
      setState({ phase: 'uploading', percent: 0 });
      try {
        const result = await uploadImport(projectId, form, (progress) => setState(progress));
        setState({ phase: 'done', result });
      } catch (error) {
        setState({ phase: 'failed', message: describeError(error) });
      } finally {
        running.current = false;
      }
    },
    [projectId],
  );

  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  const busy = state.phase === 'uploading' || state.phase === 'processing';
  return { state, busy, start, reset };
}
