import type { ImportResult } from '#server/import/import.service.ts';
import type { TextPreview } from '#server/import/import.schema.ts';

export type { ImportResult, TextPreview };

export interface UploadProgress {
  /** Bytes still going up, or all sent and the server is parsing and inserting. */
  phase: 'uploading' | 'processing';
  percent: number;
}

/** A failed upload: the server's `{ error: { code, message } }`, or a network failure. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

const offline = "Can't reach the server. Check your connection and try again.";

function importUrl(projectId: number, preview = false): string {
  return `/api/v1/projects/${projectId}/import${preview ? '/preview' : ''}`;
}

function parseReply<T>(status: number, body: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UploadError(`The server answered ${status} without details.`, status, 'INTERNAL');
  }
  const failure = (json as { error?: { code?: string; message?: string } }).error;
  if (status >= 400 || failure) {
    throw new UploadError(failure?.message ?? `The upload failed (${status}).`, status, failure?.code ?? 'INTERNAL');
  }
  return json as T;
}

/** Columns and the first rows of a CSV/JSONL file, for choosing the text and label columns. */
export async function previewTextFile(projectId: number, file: File): Promise<TextPreview> {
  const form = new FormData();
  form.append('file', file);
  let response: Response;
  try {
    response = await fetch(importUrl(projectId, true), { method: 'POST', body: form, credentials: 'same-origin' });
  } catch {
    throw new UploadError(offline, 0, 'NETWORK');
  }
  return parseReply<TextPreview>(response.status, await response.text());
}

/**
 * Posts an import with XMLHttpRequest, whose upload events (unlike fetch's) report progress.
 * `form` carries `file` + `textField` (+ `labelField`) for text projects or `files` for image projects.
 */
export function uploadImport(projectId: number, form: FormData, onProgress: (progress: UploadProgress) => void): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', importUrl(projectId));
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress({ phase: 'uploading', percent: Math.round((event.loaded / event.total) * 100) });
    };
    xhr.upload.onload = () => onProgress({ phase: 'processing', percent: 100 });
    xhr.onload = () => {
      try {
        resolve(parseReply<ImportResult>(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error);
      }
    };
    xhr.onerror = () => reject(new UploadError(offline, 0, 'NETWORK'));
    xhr.onabort = () => reject(new UploadError('The upload was cancelled.', 0, 'ABORTED'));
    xhr.send(form);
  });
}
