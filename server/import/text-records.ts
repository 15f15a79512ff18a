import { CsvError, parse } from 'csv-parse/sync';
import { AppError } from '../errors.ts';
import { findUnstorableJson } from '../storable-text.ts';

/** One row of a text file before the text field is picked, with how messages should name it. */
export interface TextRecord {
  row: number;
  /** e.g. `row 7 (line 8)` for CSV, `line 3` for JSONL, `row 3` for a JSON array. */
  where: string;
  fields: Record<string, unknown>;
}

export interface TextTable {
  columns: string[];
  records: TextRecord[];
  /** True when the file holds more than the requested number of records. */
  truncated: boolean;
}

/**
 * Reads a CSV/TSV into records keyed by header name. `bytes` is the BOM-less UTF-8
 * of `text`: csv-parse's own line counter miscounts CRLF inside quoted fields, so
 * file lines are counted from the byte offset where each record ends.
 */
export function readCsvTable(text: string, bytes: Buffer, delimiter: string, maxRecords: number): TextTable {
  const parsed = parseCsv(text, delimiter, maxRecords + 2);
  const header = parsed[0];
  if (!header) return { columns: [], records: [], truncated: false };
  const columns = readHeader(header.record);
  const lineAt = createLineCounter(bytes);
  const records: TextRecord[] = [];
  for (const { record, info } of parsed.slice(1)) {
    const row = records.length + 1;
    if (row > maxRecords) return { columns, records, truncated: true };
    // Only quoted fields span lines, and they keep their line breaks verbatim.
    const line = lineAt(lastRecordByte(bytes, info.bytes)) - countLineBreaks(record);
    const where = `row ${row} (line ${line})`;
    if (record.length !== columns.length) {
      throw new AppError('INVALID', `${where}: expected ${columns.length} columns, found ${record.length}`);
    }
    const fields = Object.fromEntries(columns.map((column, i) => [column, record[i]]));
    records.push({ row, where, fields });
  }
  return { columns, records, truncated: false };
}

/**
 * Reads JSON Lines (one object per non-empty line, row = line number) or, when the
 * file starts with `[`, a JSON array of objects (row = index + 1).
 */
export function readJsonTable(text: string, maxRecords: number): TextTable {
  if (text.trimStart().startsWith('[')) return readJsonArray(text, maxRecords);
  const records: TextRecord[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    if (records.length === maxRecords) return { columns: collectKeys(records), records, truncated: true };
    const where = `line ${i + 1}`;
    records.push({ row: i + 1, where, fields: toObject(parseJson(line, where), where) });
  }
  return { columns: collectKeys(records), records, truncated: false };
}

interface CsvRow {
  record: string[];
  info: { bytes: number };
}

function parseCsv(text: string, delimiter: string, to: number): CsvRow[] {
  try {
    return parse(text, {
      delimiter,
      info: true,
      // Ragged rows are reported by readCsvTable, which knows the row's line.
      relax_column_count: true,
      skip_empty_lines: true,
      // Excel pads sheets with rows of bare delimiters: skip them like empty lines, before `to` counts them.
      skip_records_with_empty_values: true,
      to,
    }) as CsvRow[];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // error.records counts the header, so it is also the 1-based number of the failing data row.
    const records = Number(error.records ?? 0);
    const where = records > 0 ? `row ${records}` : 'header';
    throw new AppError('INVALID', `${where}: invalid CSV: ${error.message}`);
  }
}

function readHeader(header: string[]): string[] {
  const columns = header.map((name, i) => {
    const trimmed = name.trim();
    // pandas writes its index column with an empty name; give it one instead of rejecting the file.
    return trimmed === '' ? `column_${i + 1}` : trimmed;
  });
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) throw new AppError('INVALID', `header (line 1): column "${column}" appears more than once`);
    seen.add(column);
  }
  return columns;
}

/** Returns a function giving the 1-based line of a byte offset; offsets must not decrease. */
function createLineCounter(bytes: Buffer): (offset: number) => number {
  let position = 0;
  let line = 1;
  return (offset) => {
    for (; position < offset; position++) if (bytes[position] === 0x0a) line++;
    return line;
  };
}

/** Steps back from a record's end offset over its line terminator, onto its last byte. */
function lastRecordByte(bytes: Buffer, end: number): number {
  let position = end - 1;
  while (position > 0 && (bytes[position] === 0x0a || bytes[position] === 0x0d)) position--;
  return position;
}

function countLineBreaks(record: string[]): number {
  let count = 0;
  for (const value of record) {
    for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) count++;
  }
  return count;
}

function readJsonArray(text: string, maxRecords: number): TextTable {
  const items = parseJson(text, 'file');
  if (!Array.isArray(items)) throw new AppError('INVALID', 'file: expected a JSON array of objects');
  const records = items.slice(0, maxRecords).map((item: unknown, i): TextRecord => {
    const where = `row ${i + 1}`;
    return { row: i + 1, where, fields: toObject(item, where) };
  });
  return { columns: collectKeys(records), records, truncated: items.length > maxRecords };
}

function parseJson(source: string, where: string): unknown {
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new AppError('INVALID', `${where}: invalid JSON: ${(error as Error).message}`);
  }
}

/** A record's object; refused, naming the record, when Postgres could not store it (NUL, unpaired surrogates, deep nesting). */
function toObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    // Checked here, before a preview echoes it or anything walks it recursively (JSON.stringify does).
    const problem = findUnstorableJson(value);
    if (problem) throw new AppError('INVALID', `${where}: ${problem}`);
    return value as Record<string, unknown>;
  }
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw new AppError('INVALID', `${where}: expected a JSON object, got ${kind}`);
}

/** Union of the records' keys in first-seen order, so the UI lists them as the file does. */
function collectKeys(records: TextRecord[]): string[] {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record.fields)) keys.add(key);
  return [...keys];
}
