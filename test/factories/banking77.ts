import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

const path = new URL('../../../shared/datasets/banking77/train.csv', import.meta.url);

/** Real rows of banking77 (../shared/datasets), `perClass` from each of `categories`, in file order. */
export function banking77Rows(categories: string[], perClass: number): { text: string; category: string }[] {
  const rows = parse(readFileSync(path), { columns: true }) as { text: string; category: string }[];
  return categories.flatMap((category) => rows.filter((r) => r.category === category).slice(0, perClass));
}

/** The rows as a CSV file with `text,category` columns. */
export function toCsv(rows: { text: string; category: string }[]): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return ['text,category', ...rows.map((r) => `${quote(r.text)},${quote(r.category)}`)].join('\n');
}
