/**
 * The columns of a project data export, in file order. The import recognises a file with this
 * layout as an export and reads it back (see server/import/labeled-rows.ts).
 */
export const EXPORT_COLUMNS = ['id', 'text', 'metadata', 'label', 'resolution', 'split', 'annotations', 'prediction', 'confidence'] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number] | 'image';

/** Image projects export the image's file name where text projects export the text. */
export function exportColumnsFor(dataType: 'text' | 'image'): ExportColumn[] {
  return EXPORT_COLUMNS.map((c) => (c === 'text' && dataType === 'image' ? 'image' : c));
}

/** Columns only an export has: their presence together marks a file as a Sift export. */
export const EXPORT_SIGNATURE = ['metadata', 'label', 'resolution', 'split', 'annotations'] as const;

/** Columns an export derives from the project (ids, resolution, split, model output): not imported. */
export const DERIVED_EXPORT_COLUMNS: ReadonlySet<string> = new Set(['id', 'resolution', 'split', 'annotations', 'prediction', 'confidence']);

/** The manifest of a zip export: the JSONL export's records, at the zip's root. Its presence marks a zip as a Sift export. */
export const EXPORT_MANIFEST = 'samples.jsonl';
