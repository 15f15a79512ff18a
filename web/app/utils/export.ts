import { KEY_VARIABLE } from './api-snippets.ts';

export type ExportFormat = 'csv' | 'jsonl' | 'zip';

/** What the export panel lets a lead choose; mirrors the query of `GET /api/v1/projects/:id/export`. */
export interface ExportOptions {
  format: ExportFormat;
  resolvedOnly: boolean;
  split: '' | 'train' | 'check';
  /** A label name, or '' for every label. */
  label: string;
}

export const defaultExportOptions: ExportOptions = { format: 'csv', resolvedOnly: false, split: '', label: '' };

/**
 * The formats the panel offers, the default first. Image projects start on the zip: the only export
 * with the image bytes, and the one that imports back. (The API's default stays csv.)
 */
export function exportFormatsFor(dataType: 'text' | 'image'): ExportFormat[] {
  return dataType === 'image' ? ['zip', 'csv', 'jsonl'] : ['csv', 'jsonl'];
}

export function defaultExportOptionsFor(dataType: 'text' | 'image'): ExportOptions {
  return { ...defaultExportOptions, format: exportFormatsFor(dataType)[0]! };
}

/** The export route's URL for these options; only filters that are set go into the query. */
export function exportUrl(projectId: number, options: ExportOptions, origin = ''): string {
  const query = new URLSearchParams({ format: options.format });
  if (options.resolvedOnly) query.set('resolved', 'true');
  if (options.split) query.set('split', options.split);
  if (options.label) query.set('label', options.label);
  return `${origin}/api/v1/projects/${projectId}/export?${query.toString()}`;
}

/** The same download for a script, with an API key that has the export scope. */
export function exportCurl(projectId: number, options: ExportOptions, origin: string): string {
  return `curl -fSL -H "Authorization: Bearer $${KEY_VARIABLE}" -o sift-export.${options.format} \\\n  '${exportUrl(projectId, options, origin)}'`;
}
