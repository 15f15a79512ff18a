import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createProgress, formatBytes } from './progress.ts';
import { connect, explain, REMOTE_OPTIONS } from './remote.ts';

const USAGE = `usage: sift export --project ID [--out FILE (default: the server's file name; - for stdout)] [--format csv|jsonl|zip (zip: with the images)]
       [--resolved] [--split train|held-out] [--label NAME]
       [--server URL (or SIFT_URL, default http://localhost:3000)] [--key KEY (or SIFT_API_KEY; export scope)]`;

/** `sift export`: streams a project's data from a running server into a file, with progress. */
export async function runExport(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { ...REMOTE_OPTIONS, out: { type: 'string' }, format: { type: 'string', default: 'csv' }, resolved: { type: 'boolean', default: false }, split: { type: 'string' }, label: { type: 'string' } },
  });
  const format = values.format;
  if (format !== 'csv' && format !== 'jsonl' && format !== 'zip') throw new Error(`--format is csv, jsonl or zip\n${USAGE}`);
  if (values.split !== undefined && values.split !== 'train' && values.split !== 'held-out') throw new Error(`--split is train or held-out\n${USAGE}`);
  const { client, projectId } = connect(values, 'export', USAGE);
  const exported = await client
    .exportData(projectId, { format, resolved: values.resolved || undefined, split: values.split as 'train' | 'held-out' | undefined, label: values.label })
    .catch((error: unknown) => {
      throw explain(error, 'export');
    });
  const target = values.out ?? exported.fileName ?? `sift-${projectId}.${format}`;
  const toStdout = target === '-';
  // Written beside the target and renamed at the end: a broken download never looks complete.
  const partial = `${target}.part`;
  const out = toStdout ? process.stdout : createWriteStream(partial);
  const progress = createProgress(`exporting to ${toStdout ? 'stdout' : target}`);
  let bytes = 0;
  let records = 0;
  try {
    const reader = exported.body.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const chunk = next.value;
      bytes += chunk.byteLength;
      // A zip's bytes are not lines: count those only for CSV and JSONL.
      if (format !== 'zip') for (const byte of chunk) if (byte === 10) records += 1;
      if (!out.write(chunk)) await once(out, 'drain');
      progress.update(bytes, undefined, summarize(bytes, records, format));
    }
    if (!toStdout) {
      out.end();
      await once(out, 'finish');
      renameSync(partial, target);
    }
  } catch (error) {
    if (!toStdout) rmSync(partial, { force: true });
    progress.finish('failed');
    throw new Error(`the export broke off after ${formatBytes(bytes)} (${error instanceof Error ? error.message : error}); nothing was kept`);
  }
  progress.finish(`done: ${summarize(bytes, records, format)}`);
}

function summarize(bytes: number, records: number, format: 'csv' | 'jsonl' | 'zip'): string {
  return format === 'zip' ? formatBytes(bytes) : `${formatBytes(bytes)}, ${records.toLocaleString('en')} lines`;
}
