/**
 * CSV writing (RFC 4180) for exports, with a guard against spreadsheet formula injection.
 *
 * Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return as a formula,
 * so an exported sample text like `=HYPERLINK(…)` could act when the file is opened. Such cells get
 * a leading `'` (what OWASP recommends; spreadsheets show the text as typed). To keep the escape
 * reversible, a cell that already starts with quotes followed by one of those characters gets one
 * more quote, and `unguardFormula` removes exactly one: the import does so for Sift exports, so
 * texts survive a round trip byte for byte.
 */

const FORMULA = /^'*[=+\-@\t\r]/;
const GUARDED = /^'+[=+\-@\t\r]/;

export function guardFormula(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** The inverse of guardFormula. */
export function unguardFormula(value: string): string {
  return GUARDED.test(value) ? value.slice(1) : value;
}

/** One field: quoted when it holds a delimiter, quote or line break (quotes doubled). */
export function csvField(value: string | number | null | undefined, guard = true): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = guard ? guardFormula(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 asks. */
export function csvRow(values: readonly (string | number | null | undefined)[], guard = true): string {
  return `${values.map((v) => csvField(v, guard)).join(',')}\r\n`;
}
