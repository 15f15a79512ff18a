/**
 * Labels in text imports, and reading a Sift export back. Pure: records in, label names and
 * metadata out, or one AppError naming the row.
 *
 * - A label column (`labelField`) holds label names; a blank cell means "no label yet".
 * - A file with the export's columns (see EXPORT_SIGNATURE) is an export: its `label` column is the
 *   label column, its `metadata` column (JSON) is the metadata, and the columns the export derived
 *   (id, resolution, split, prediction, confidence) are dropped; its `annotations` (JSON) are read
 *   back as ImportedAnnotations, which the import restores for annotators who are project members.
 */
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { unguardFormula } from '../export/csv.ts';
import { DERIVED_EXPORT_COLUMNS, EXPORT_SIGNATURE } from '../export/export-layout.ts';
import type { ImportedAnnotation } from './import.schema.ts';
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

/** One element of an export's `annotations`, as db/exports.ts writes it (the annotator's name is not needed). */
const ExportedAnnotation = z.object({
  label: z.string().trim().min(1, 'is empty'),
  email: z.string().trim().toLowerCase().email('must be an email address'),
  // Checked by isIsoTime after parsing: zod's datetime() is the slowest part of a 100k-row import.
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  durationMs: z.number().int('must be a whole number').min(0, 'must be 0 or more').max(2_147_483_647, 'is too large').optional(),
});

/**
 * An export row's annotations: a JSON array (a JSON cell in CSV) of objects with `label`, `email`
 * and optionally `createdAt`, `updatedAt`, `durationMs`. Blank means none. Throws naming the row
 * (and the annotation) when the array is malformed, a label is not the project's, or one person
 * has two annotations of the sample.
 */
export function readAnnotations(record: TextRecord, labelNames: string[] | undefined): ImportedAnnotation[] {
  let value = record.fields.annotations;
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new AppError('INVALID', `${record.where}: the "annotations" column must hold a JSON array`);
    }
  }
  if (!Array.isArray(value)) throw new AppError('INVALID', `${record.where}: "annotations" must be a JSON array`);
  const byEmail = new Map<string, number>();
  return value.map((item: unknown, index) => {
    const where = `${record.where}: annotation ${index + 1}`;
    const parsed = ExportedAnnotation.safeParse(item);
    if (!parsed.success) throw new AppError('INVALID', `${where}: ${describeIssue(parsed.error.issues[0]!)}`);
    const { label, email, createdAt, updatedAt, durationMs } = parsed.data;
    for (const [field, time] of [['createdAt', createdAt], ['updatedAt', updatedAt]] as const) {
      if (time !== undefined && !isIsoTime(time)) throw new AppError('INVALID', `${where}: "${field}" must be an ISO 8601 time, like 2026-01-31T09:30:00.000Z`);
    }
    if (labelNames && !labelNames.includes(label)) {
      throw new AppError('INVALID', `${where}: unknown label "${label}"; this project's labels are ${labelNames.map((l) => `"${l}"`).join(', ')}. Nothing was imported.`);
    }
    const earlier = byEmail.get(email);
    if (earlier !== undefined) throw new AppError('INVALID', `${where}: ${email} already has annotation ${earlier} of this sample`);
    byEmail.set(email, index + 1);
    const annotation: ImportedAnnotation = { annotator: email, label };
    if (createdAt !== undefined) annotation.at = createdAt;
    if (updatedAt !== undefined) annotation.updatedAt = updatedAt;
    if (durationMs !== undefined) annotation.durationMs = durationMs;
    return annotation;
  });
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})$/;

function isIsoTime(value: string): boolean {
  return ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

function describeIssue(issue: z.ZodIssue): string {
  if (issue.path.length === 0) return 'must be an object with "label" and "email"';
  const field = `"${issue.path.join('.')}"`;
  // Wrong JSON types get zod's type names; `.int()` reports a float as a type error too, with our message.
  if (issue.code !== 'invalid_type' || issue.received === 'float') return `${field} ${issue.message}`;
  return issue.received === 'undefined' ? `${field} is missing` : `${field} must be a ${issue.expected}, got ${issue.received}`;
}
