import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { assertWritableFolder, isFolder } from './output.ts';
import { createProgress, formatBytes } from './progress.ts';
import { connect, explain, REMOTE_OPTIONS } from './remote.ts';

export const USAGE = `usage: sift export --project ID [--out FILE or FOLDER (default: the server's file name; - for stdout)] [--format csv|jsonl|zip (zip: with the images)]
       [--resolved] [--split train|held-out] [--label NAME]
       [--server URL (or SIFT_URL, default http://localhost:3000)] [--key KEY (or SIFT_API_KEY; export scope)]`;

/** A failure writing the local file, told apart from a download that broke off. */
class WriteError extends Error {}

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
  // Checked before the request: a typo in --out should not cost a download.
  const folder = values.out === undefined ? '.' : values.out === '-' ? undefined : isFolder(values.out) ? values.out : path.dirname(values.out);
  if (folder !== undefined) assertWritableFolder(folder, '--out');
  const exported = await client
    .exportData(projectId, { format, resolved: values.resolved || undefined, split: values.split as 'train' | 'held-out' | undefined, label: values.label })
    .catch((error: unknown) => {
      throw explain(error, 'export');
    });
  const serverName = exported.fileName ?? `sift-${projectId}.${format}`;
  const target = values.out === undefined ? serverName : values.out !== '-' && isFolder(values.out) ? path.join(values.out, serverName) : values.out;
  await download(exported.body, target, format);
}

async function download(body: ReadableStream<Uint8Array>, target: string, format: 'csv' | 'jsonl' | 'zip'): Promise<void> {
  const toStdout = target === '-';
  // Written beside the target and renamed at the end: a broken download never looks complete.
  const partial = `${target}.part`;
  const out = toStdout ? process.stdout : createWriteStream(partial);
  // A write stream reports failures (no folder, disk full) only as 'error' events: race them
  // against every wait, so they end the export instead of crashing the process.
  const failed = new Promise<never>((_, reject) => {
    if (!toStdout) out.on('error', (error) => reject(new WriteError(`cannot write ${partial}: ${error.message}`)));
  });
  failed.catch(() => undefined);
  const progress = createProgress(`exporting to ${toStdout ? 'stdout' : target}`);
  const reader = body.getReader();
  let bytes = 0;
  let records = 0;
  try {
    for (let next = await Promise.race([reader.read(), failed]); !next.done; next = await Promise.race([reader.read(), failed])) {
      const chunk = next.value;
      bytes += chunk.byteLength;
      // A zip's bytes are not lines: count those only for CSV and JSONL.
      if (format !== 'zip') for (const byte of chunk) if (byte === 10) records += 1;
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      progress.update(bytes, undefined, summarize(bytes, records, format));
    }
    if (!toStdout) {
      out.end();
      await Promise.race([once(out, 'finish'), failed]);
      rename(partial, target);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (!toStdout) removePartial(partial);
    progress.finish('failed');
    if (error instanceof WriteError) throw error;
    throw new Error(`the export broke off after ${formatBytes(bytes)} (${error instanceof Error ? error.message : error}); nothing was kept`);
  }
  progress.finish(`done: ${summarize(bytes, records, format)}`);
}

function rename(partial: string, target: string): void {
  try {
    renameSync(partial, target);
  } catch (error) {
    throw new WriteError(`cannot write ${target}: ${error instanceof Error ? error.message : error}`);
  }
}

/** Removes the partial file, but never a folder someone put in its place. */
function removePartial(partial: string): void {
  if (statSync(partial, { throwIfNoEntry: false })?.isFile()) rmSync(partial, { force: true });
}

function summarize(bytes: number, records: number, format: 'csv' | 'jsonl' | 'zip'): string {
  return format === 'zip' ? formatBytes(bytes) : `${formatBytes(bytes)}, ${records.toLocaleString('en')} lines`;
}
