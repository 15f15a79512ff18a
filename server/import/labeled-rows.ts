/**
 * Labels in text imports, and reading a Sift export back. Pure: records in, label names and
 * metadata out, or one AppError naming the row.
 *
 * - A label column (`labelField`) holds label names; a blank cell means "no label yet".
 * - A file with the export's columns (see EXPORT_SIGNATURE) is an export: its `label` column is the
 *   label column, its `metadata` column (JSON) is the metadata, and the columns the export derived
 *   (id, resolution, split, annotations, prediction, confidence) are dropped.
 */
import { AppError } from '../errors.ts';
import { unguardFormula } from '../export/csv.ts';
import { DERIVED_EXPORT_COLUMNS, EXPORT_SIGNATURE } from '../export/export-layout.ts';
import type { TextRecord } from './text-records.ts';

export interface LabelOptions {
  /** The column (CSV) or key (JSON) holding label names; defaults to `label` in an export. */
  labelField?: string;
  /** The project's label names: labels outside it reject the file. Omitted: not checked (previews). */
  labelNames?: string[];
}

export function isExportLayout(columns: string[]): boolean {
  return EXPORT_SIGNATURE.every((c) => columns.includes(c));
}

/** The label column to read, if any; throws when a requested one is not in the file. */
export function chooseLabelField(columns: string[], requested: string | undefined, noun: string): string | undefined {
  if (requested !== undefined) {
    if (columns.includes(requested)) return requested;
    throw new AppError('INVALID', `label ${noun} "${requested}" not found; ${noun}s: ${columns.map((c) => `"${c}"`).join(', ')}`);
  }
  return isExportLayout(columns) ? 'label' : undefined;
}

/** The row's label name, or undefined when the cell is blank. */
export function readLabel(record: TextRecord, labelField: string, noun: string, labelNames: string[] | undefined): string | undefined {
  const value = record.fields[labelField];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new AppError('INVALID', `${record.where}: label ${noun} "${labelField}" must be a label name (a string), got ${typeof value}`);
  const name = value.trim();
  if (name === '') return undefined;
  if (labelNames && !labelNames.includes(name)) {
    const known = labelNames.map((l) => `"${l}"`).join(', ');
    throw new AppError('INVALID', `${record.where}: unknown label "${name}"; this project's labels are ${known}. Nothing was imported.`);
  }
  return name;
}

/** A row's metadata: every other column, or for an export its `metadata` column plus any added columns. */
export function readMetadata(record: TextRecord, skip: ReadonlySet<string>, exportLayout: boolean): Record<string, unknown> {
  const metadata: Record<string, unknown> = exportLayout ? parseExportMetadata(record) : {};
  for (const [key, value] of Object.entries(record.fields)) {
    if (skip.has(key)) continue;
    if (exportLayout && (key === 'metadata' || DERIVED_EXPORT_COLUMNS.has(key))) continue;
    metadata[key] = value;
  }
  return metadata;
}

function parseExportMetadata(record: TextRecord): Record<string, unknown> {
  let value = record.fields.metadata;
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new AppError('INVALID', `${record.where}: the "metadata" column must hold a JSON object`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError('INVALID', `${record.where}: "metadata" must be a JSON object`);
  return { ...(value as Record<string, unknown>) };
}

/** A CSV export's record with the formula guard (see server/export/csv.ts) taken off every cell. */
export function unguardRecord(record: TextRecord): TextRecord {
  const fields = Object.fromEntries(Object.entries(record.fields).map(([k, v]) => [k, typeof v === 'string' ? unguardFormula(v) : v]));
  return { ...record, fields };
}
