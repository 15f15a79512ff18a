import { readFileSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

/** One labeled row of a file given to a CLI command. `input` is text, or image bytes. */
export interface LabeledRow {
  index: number;
  input: string | Uint8Array;
  label: string;
  key: string; // identifies the row's content for caches and stable splits
}

export interface DatasetSpec {
  file: string;
  textField?: string;
  imageField?: string;
  labelField: string;
}

/**
 * Reads CSV (header row) or JSONL rows, or a directory with one sub-folder of images per class.
 * Errors name the file and row.
 */
export function readDataset(spec: DatasetSpec): { kind: 'text' | 'image'; rows: LabeledRow[] } {
  if (statSync(spec.file).isDirectory()) return { kind: 'image', rows: readImageFolders(spec.file) };
  const records = readRecords(spec.file);
  const field = spec.textField ?? spec.imageField;
  if (!field) throw new Error('give --text-field or --image-field');
  const kind = spec.textField ? 'text' : 'image';
  const rows = records.map((record, index) => {
    const value = record[field];
    const label = record[spec.labelField];
    if (typeof value !== 'string' || value === '') throw new Error(`${spec.file} row ${index + 1}: "${field}" is missing or empty`);
    if (label === undefined || label === null || label === '') throw new Error(`${spec.file} row ${index + 1}: "${spec.labelField}" is missing or empty`);
    const input = kind === 'text' ? value : readImage(path.resolve(path.dirname(spec.file), value), `${spec.file} row ${index + 1}`);
    return { index, input, label: String(label), key: kind === 'text' ? value : `${spec.file}:${value}` };
  });
  return { kind, rows };
}

function readImage(file: string, where: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${where}: cannot read image ${file} (${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message})`);
  }
}

function readRecords(file: string): Record<string, unknown>[] {
  const data = readFileSync(file, 'utf8');
  if (/\.(jsonl|ndjson)$/i.test(file) || data.trimStart().startsWith('{')) {
    return data.split(/\r?\n/).flatMap((line, i) => {
      if (line.trim() === '') return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch (error) {
        throw new Error(`${file} line ${i + 1}: invalid JSON (${(error as Error).message})`);
      }
    });
  }
  return parse(data, { columns: true, skip_empty_lines: true, bom: true, delimiter: file.endsWith('.tsv') ? '\t' : ',' }) as Record<string, unknown>[];
}

function readImageFolders(dir: string): LabeledRow[] {
  const rows: LabeledRow[] = [];
  for (const label of readdirSync(dir).sort()) {
    const classDir = path.join(dir, label);
    if (!statSync(classDir).isDirectory()) continue;
    for (const name of readdirSync(classDir).sort()) {
      if (name.startsWith('.')) continue;
      rows.push({ index: rows.length, input: new Uint8Array(readFileSync(path.join(classDir, name))), label, key: path.join(label, name) });
    }
  }
  return rows;
}
