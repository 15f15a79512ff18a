import { useState } from 'react';
import { defaultExportOptionsFor, exportCurl, exportFormatsFor, exportUrl, type ExportFormat, type ExportOptions } from '../utils/export.ts';
import { CodeBlock } from './code-block.tsx';

interface Props {
  projectId: number;
  dataType: 'text' | 'image';
  labels: { id: number; name: string }[];
  /** The origin the browser reached Sift on, for the curl example. */
  origin: string;
}

const FORMAT_NAMES: Record<ExportFormat, { choice: string; button: string }> = {
  csv: { choice: 'CSV', button: 'CSV' },
  jsonl: { choice: 'JSON Lines', button: 'JSONL' },
  zip: { choice: 'ZIP with the images', button: 'ZIP' },
};

const ROUND_TRIP = {
  text: 'A CSV or JSONL export imports back into a project with the same labels.',
  image: 'Only the ZIP holds the images (with the JSONL records as samples.jsonl); it imports back into an image project with the same labels.',
};

/** Leads and owners: pick a format and filters, then download (a plain link: the server streams the file). */
export function ExportPanel({ projectId, dataType, labels, origin }: Props) {
  const [options, setOptions] = useState<ExportOptions>(() => defaultExportOptionsFor(dataType));
  const set = (patch: Partial<ExportOptions>) => setOptions((current) => ({ ...current, ...patch }));
  return (
    <section className="panel narrow-wide export-panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Export data</h2>
      <p className="muted">
        Every sample with its final label and how it was resolved, its split (check: the random check samples accuracy is measured on; train: the rest), every annotation (who, when, how long) and
        the live model's prediction where it has one. The file holds annotators' names and emails. {ROUND_TRIP[dataType]}
      </p>
      <div className="export-panel__grid">
        <fieldset className="export-panel__format">
          <legend>Format</legend>
          {exportFormatsFor(dataType).map((format) => (
            <label key={format} className="export-panel__choice">
              <input type="radio" name="format" value={format} checked={options.format === format} onChange={() => set({ format })} /> {FORMAT_NAMES[format].choice}
            </label>
          ))}
        </fieldset>
        <label className="field">
          Split
          <select value={options.split} onChange={(e) => set({ split: e.target.value as ExportOptions['split'] })} data-testid="export-split">
            <option value="">Train and check samples</option>
            <option value="train">Train only</option>
            <option value="check">Random check samples only</option>
          </select>
        </label>
        <label className="field">
          Final label
          <select value={options.label} onChange={(e) => set({ label: e.target.value })} data-testid="export-label">
            <option value="">Any (unlabeled too)</option>
            {labels.map((label) => (
              <option key={label.id} value={label.name}>
                {label.name}
              </option>
            ))}
          </select>
        </label>
        <label className="export-panel__choice export-panel__resolved">
          <input type="checkbox" checked={options.resolvedOnly || options.label !== ''} disabled={options.label !== ''} onChange={(e) => set({ resolvedOnly: e.target.checked })} />{' '}
          Resolved samples only
        </label>
      </div>
      <p className="actions">
        <a className="button button--primary" href={exportUrl(projectId, options)} download data-testid="export-download">
          Download {FORMAT_NAMES[options.format].button}
        </a>
      </p>
      <h3>From a script</h3>
      <p className="small muted">With an API key that has the export scope (the API page):</p>
      <CodeBlock code={exportCurl(projectId, options, origin)} label="curl" testId="export-curl" />
    </section>
  );
}
