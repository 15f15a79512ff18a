/**
 * The label column of a text import, judged on the preview's rows the way the server reads it
 * (server/import/labeled-rows.ts): a blank cell is "no label yet", a name is trimmed and must be
 * one of the project's labels exactly, and anything but text refuses the file.
 */

/** What the preview's rows hold in the chosen label column. */
export interface LabelColumnSummary {
  /** Preview rows with a non-blank label cell. */
  labeled: number;
  /** Preview rows in all. */
  rows: number;
  /** Names in the column that are not the project's labels, each once, in file order. */
  unknown: string[];
  /** Cells holding a number, list or object instead of a label name. */
  notText: number;
}

/**
 * The label column to preselect: the one the server reads by default (an export's), else one
 * named `label` in any case, else none ('').
 */
export function defaultLabelColumn(columns: string[], serverDefault: string | undefined): string {
  if (serverDefault !== undefined && columns.includes(serverDefault)) return serverDefault;
  return columns.find((c) => c === 'label') ?? columns.find((c) => c.toLowerCase() === 'label') ?? '';
}

export function summarizeLabelColumn(rows: Record<string, unknown>[], column: string, labelNames: string[]): LabelColumnSummary {
  const known = new Set(labelNames);
  const unknown = new Set<string>();
  let labeled = 0;
  let notText = 0;
  for (const row of rows) {
    const value = row[column];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') {
      labeled += 1;
      notText += 1;
      continue;
    }
    const name = value.trim();
    if (name === '') continue;
    labeled += 1;
    if (!known.has(name)) unknown.add(name);
  }
  return { labeled, rows: rows.length, unknown: [...unknown], notText };
}

/** True when the server would refuse the file for what the preview already shows. */
export function refusesImport(summary: LabelColumnSummary | null): boolean {
  return summary !== null && (summary.unknown.length > 0 || summary.notText > 0);
}
