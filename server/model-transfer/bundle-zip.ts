import { zipSync } from 'fflate';
import { BUNDLE_FILES } from '#trainer/ml/model-bundle/bundle-format.ts';
import type { BundleFile } from '#trainer/ml/model-bundle/build-bundle.ts';
import { AppError } from '../errors.ts';
import { inflateZipEntry, listZipEntries } from '../import/zip.ts';

const KNOWN = new Set<string>(Object.values(BUNDLE_FILES));
/** A bundle has at most the known files, plus folder entries and a wrapping folder. */
const MAX_ENTRIES = 32;

/** The bundle as a zip, its files at the top level. */
export function zipBundle(files: BundleFile[]): Uint8Array {
  return zipSync(Object.fromEntries(files.map((f) => [f.name, f.data])), { level: 6 });
}

/**
 * The files of an uploaded bundle by name. Checks every name before inflating anything: only the
 * bundle's own file names, at the top or inside one folder (a re-zipped download); `..`, absolute
 * paths and backslashes are refused, and the declared sizes together must stay under `maxBytes`.
 */
export function unzipBundle(data: Buffer, zipName: string, maxBytes: number): Map<string, Uint8Array> {
  const entries = listZipEntries(data, zipName, MAX_ENTRIES).filter((e) => !e.name.endsWith('/'));
  for (const entry of entries) {
    const parts = entry.name.split('/');
    if (entry.name.includes('\\') || entry.name.startsWith('/') || parts.some((p) => p === '..' || p === '.' || p === '')) {
      throw new AppError('INVALID', `${zipName}: unsafe path "${entry.name}" in the zip`);
    }
  }
  const folders = new Set(entries.map((e) => (e.name.includes('/') ? e.name.slice(0, e.name.lastIndexOf('/') + 1) : '')));
  if (folders.size > 1) throw new AppError('INVALID', `${zipName}: the files must sit together, at the top of the zip or in one folder`);
  const prefix = [...folders][0] ?? '';
  if (prefix.split('/').length > 2) throw new AppError('INVALID', `${zipName}: the files must sit at the top of the zip or in one folder`);
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  if (total > maxBytes) throw new AppError('TOO_LARGE', `${zipName}: unzips to ${total} bytes, over the ${maxBytes}-byte limit`);
  const files = new Map<string, Uint8Array>();
  for (const entry of entries) {
    const name = entry.name.slice(prefix.length);
    if (!KNOWN.has(name)) throw new AppError('INVALID', `${zipName}: unexpected file "${entry.name}" (a model export holds ${[...KNOWN].join(', ')})`);
    if (files.has(name)) throw new AppError('INVALID', `${zipName}: ${name} appears twice`);
    files.set(name, inflateZipEntry(data, entry, `${zipName}/${entry.name}`));
  }
  return files;
}
