import { existsSync, openAsBlob, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createProgress, formatBytes } from './progress.ts';
import { connect, explain, REMOTE_OPTIONS } from './remote.ts';

export const USAGE = `usage: sift import --project ID --file FILE (CSV, TSV, JSONL, JSON, an image, a zip of images, or a zip export: labels come along)
       [--label-field NAME] [--text-field NAME]
       [--server URL (or SIFT_URL, default http://localhost:3000)] [--key KEY (or SIFT_API_KEY; import scope)]`;
const EXTENSIONS = ['.csv', '.tsv', '.jsonl', '.ndjson', '.json', '.zip', '.png', '.jpg', '.jpeg', '.gif', '.webp'];

/** `sift import`: uploads a file into a project of a running server, with a progress bar. */
export async function runImport(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { ...REMOTE_OPTIONS, file: { type: 'string' }, 'label-field': { type: 'string' }, 'text-field': { type: 'string' } } });
  const file = values.file;
  if (!file) throw new Error(`--file is needed\n${USAGE}`);
  if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`no such file: ${file}`);
  const extension = path.extname(file).toLowerCase();
  if (!EXTENSIONS.includes(extension)) throw new Error(`${path.basename(file)}: Sift imports ${EXTENSIONS.join(' ')} files`);
  const { client, projectId } = connect(values, 'import', USAGE);
  const progress = createProgress(`importing ${path.basename(file)}`);
  const data = await openAsBlob(file);
  const result = await client
    .importFile(projectId, { name: path.basename(file), data }, {
      labelField: values['label-field'],
      textField: values['text-field'],
      onUploadProgress: (sent, total) => progress.update(sent, total, `${formatBytes(sent)} of ${formatBytes(total)}`),
    })
    .catch((error: unknown) => {
      progress.finish('failed');
      throw explain(error, 'import');
    });
  progress.finish('done');
  const restored = result.restored > 0 ? `, ${result.restored} annotations restored to their annotators` : '';
  console.log(`${result.imported} imported, ${result.duplicates} already there, ${result.labeled} with labels${restored} (${result.rows} rows; batch ${result.batchId})`);
}
