import { constants } from 'node:buffer';
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import { findUnstorableJson } from '../storable-text.ts';
import {
  defaultImportLimits,
  type ImportLimits,
  type ParsedText,
  type SampleDraft,
  type TextFormat,
  type TextPreview,
} from './import.schema.ts';
import { readCsvTable, readJsonTable, type TextRecord, type TextTable } from './text-records.ts';
import { chooseLabelField, isExportLayout, readAnnotations, readLabel, readMetadata, unguardRecord, type LabelOptions } from './labeled-rows.ts';

const previewRowCount = 5;
const { MAX_STRING_LENGTH } = constants;
const defaultTextField = 'text';

/**
 * Picks the parser for a text upload: by extension (.csv/.tsv → csv; .jsonl/.ndjson/.json → jsonl),
 * else JSON when the first non-space character is `{` or `[`, else CSV.
 */
export function detectTextFormat(fileName: string, data: Buffer): TextFormat {
  const extension = readExtension(fileName);
  if (extension === 'csv' || extension === 'tsv') return 'csv';
  if (extension === 'jsonl' || extension === 'ndjson' || extension === 'json') return 'jsonl';
  const first = String.fromCharCode(data[firstContentByte(data)] ?? 0);
  return first === '{' || first === '[' ? 'jsonl' : 'csv';
}

/**
 * Parses a whole text file into SampleDrafts, or throws one AppError naming the first bad
 * row (INVALID) or the exceeded limit (TOO_LARGE); it never returns part of a file.
 * Duplicate texts are kept: the import service dedupes by contentHash.
 * `textField` defaults to the column (CSV) or key (JSON) named `text`. Labels: see labeled-rows.ts.
 */
export function parseTextFile(
  input: {
    fileName: string;
    data: Buffer;
    textField?: string;
    limits?: ImportLimits;
  } & LabelOptions,
): ParsedText {
  const limits = input.limits ?? defaultImportLimits;
  const { format, table } = readTable(input.fileName, input.data, limits, limits.maxRows);
  if (table.truncated) {
    throw new AppError('TOO_LARGE', `file has more than ${limits.maxRows} rows, the limit per import`);
  }
  if (table.records.length === 0) throw new AppError('INVALID', 'file has no data rows');
  const noun = format === 'csv' ? 'column' : 'field';
  const textField = chooseTextField(table.columns, input.textField, noun);
  const labelField = chooseLabelField(table.columns, input.labelField, noun);
  const exportLayout = isExportLayout(table.columns);
  const columns = { text: textField, label: labelField, exportLayout, labelNames: input.labelNames };
  // A Sift CSV export guards formula-like cells with a leading quote; take it off again.
  const records = exportLayout && format === 'csv' ? table.records.map(unguardRecord) : table.records;
  const samples = records.map((record) => toTextDraft(record, columns, noun, limits));
  return { format, columns: table.columns, samples };
}

/**
 * Reads the columns and first rows of a text file so the user can pick the text and label columns;
 * applies the import's limits (the server's, so whatever it would import it previews) and throws
 * like parseTextFile on a malformed head.
 */
export function previewTextFile(input: { fileName: string; data: Buffer; limits?: ImportLimits }): TextPreview {
  const { format, table } = readTable(input.fileName, input.data, input.limits ?? defaultImportLimits, previewRowCount);
  const exportLayout = isExportLayout(table.columns);
  const records = exportLayout && format === 'csv' ? table.records.map(unguardRecord) : table.records;
  const defaultLabelField = chooseLabelField(table.columns, undefined, format === 'csv' ? 'column' : 'field');
  return { format, columns: table.columns, rows: records.map((record) => record.fields), ...(defaultLabelField === undefined ? {} : { defaultLabelField }) };
}

/** sha256 hex of text normalized so that copies differing only in Unicode form or spacing collide. */
/** A text sample's content hash: the same text (up to whitespace and Unicode form) is one sample. */
export function hashText(text: string): string {
  const normalized = text.normalize('NFC').replace(/\s+/gu, ' ').trim();
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

function readTable(
  fileName: string,
  data: Buffer,
  limits: ImportLimits,
  maxRecords: number,
): { format: TextFormat; table: TextTable } {
  if (data.length > limits.maxFileBytes) {
    throw new AppError('TOO_LARGE', `${fileName}: file is ${data.length} bytes, over the ${limits.maxFileBytes}-byte limit`);
  }
  const format = detectTextFormat(fileName, data);
  const { text, bytes } = decodeUtf8(data);
  if (format === 'jsonl') return { format, table: readJsonTable(text, maxRecords) };
  return { format, table: readCsvTable(text, bytes, chooseDelimiter(fileName, text), maxRecords) };
}

/** Decodes strict UTF-8 without its BOM; returns the BOM-less bytes too, for byte-offset line counting. */
function decodeUtf8(data: Buffer): { text: string; bytes: Buffer } {
  const hasBom = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  const bytes = hasBom ? data.subarray(3) : data;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    // V8 strings stop at 2^29 - 24 UTF-16 units (about 512 MiB of ASCII), below SIFT_MAX_UPLOAD_MB's ceiling.
    if ((error as { code?: unknown }).code === 'ERR_STRING_TOO_LONG') {
      throw new AppError('TOO_LARGE', `file holds more text than can be read at once (about ${Math.round(MAX_STRING_LENGTH / 1e6)} million characters); split it into smaller files and import them one by one`);
    }
    throw new AppError('INVALID', 'file is not valid UTF-8; save it as UTF-8 and upload it again');
  }
  const nul = text.indexOf('\0');
  // Postgres text and jsonb cannot store NUL, and it usually means a UTF-16 or binary file.
  if (nul !== -1) throw new AppError('INVALID', `line ${findLineOfIndex(text, nul)}: file contains a NUL byte`);
  return { text, bytes };
}

function chooseDelimiter(fileName: string, text: string): string {
  const extension = readExtension(fileName);
  if (extension === 'tsv') return '\t';
  if (extension === 'csv') return ',';
  const newline = text.indexOf('\n');
  const header = newline === -1 ? text : text.slice(0, newline);
  return header.includes('\t') && !header.includes(',') ? '\t' : ',';
}

function chooseTextField(columns: string[], requested: string | undefined, noun: string): string {
  const listed = columns.map((column) => `"${column}"`).join(', ');
  if (requested !== undefined) {
    if (columns.includes(requested)) return requested;
    throw new AppError('INVALID', `${noun} "${requested}" not found; ${noun}s: ${listed}`);
  }
  if (columns.includes(defaultTextField)) return defaultTextField;
  const matches = columns.filter((column) => column.toLowerCase() === defaultTextField);
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  throw new AppError('INVALID', `no ${noun} named "${defaultTextField}"; choose the text ${noun} from: ${listed}`);
}

interface DraftColumns {
  text: string;
  label: string | undefined;
  exportLayout: boolean;
  labelNames: string[] | undefined;
}

function toTextDraft(record: TextRecord, columns: DraftColumns, noun: string, limits: ImportLimits): SampleDraft {
  const { where, fields } = record;
  const textField = columns.text;
  const text = fields[textField];
  if (text === undefined) throw new AppError('INVALID', `${where}: ${noun} "${textField}" is missing`);
  if (typeof text !== 'string') {
    const kind = text === null ? 'null' : Array.isArray(text) ? 'array' : typeof text;
    throw new AppError('INVALID', `${where}: ${noun} "${textField}" must be a string, got ${kind}`);
  }
  if (text.trim() === '') throw new AppError('INVALID', `${where}: ${noun} "${textField}" is empty`);
  const chars = countCodePoints(text, limits.maxTextChars);
  if (chars > limits.maxTextChars) {
    throw new AppError('INVALID', `${where}: ${noun} "${textField}" has ${chars} characters, over the ${limits.maxTextChars} limit`);
  }
  const skip = new Set(columns.label === undefined ? [textField] : [textField, columns.label]);
  const metadata = readMetadata(record, skip, columns.exportLayout);
  // JSON records were checked as they were read (readJsonTable) and CSV cells cannot hold NUL or
  // unpaired surrogates (decodeUtf8); an export's "metadata" cell is JSON parsed since, so check it.
  const problem = findUnstorableJson(metadata);
  if (problem) throw new AppError('INVALID', `${where}: ${problem}`);
  const label = columns.label === undefined ? undefined : readLabel(record, columns.label, noun, columns.labelNames);
  const annotations = columns.exportLayout ? readAnnotations(record, columns.labelNames) : [];
  return { row: record.row, text, metadata, contentHash: hashText(text), ...(label === undefined ? {} : { label }), ...(annotations.length === 0 ? {} : { annotations }) };
}

/** Counts code points, as Postgres counts characters; skips the walk when UTF-16 length already fits. */
function countCodePoints(text: string, limit: number): number {
  if (text.length <= limit) return text.length;
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

function readExtension(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot === -1 ? '' : fileName.slice(dot + 1).toLowerCase();
}

function firstContentByte(data: Buffer): number {
  let i = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  while (i < data.length && (data[i] === 0x20 || data[i] === 0x09 || data[i] === 0x0a || data[i] === 0x0d)) i++;
  return i;
}

function findLineOfIndex(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
