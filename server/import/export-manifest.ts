/**
 * Reading a Sift zip export back (see server/export/export-zip.ts): a zip with `samples.jsonl` at
 * its root (or in its one top-level folder) is an export, and that manifest is read like a JSONL export file (labels, metadata,
 * derived columns dropped; see labeled-rows.ts), its text field being `image` (the path inside the
 * zip) in image projects. Pure: bytes in, parsed rows out, or one AppError naming the row.
 */
import { AppError } from '../errors.ts';
import { EXPORT_MANIFEST } from '../export/export-layout.ts';
import type { ImportLimits, ParsedText } from './import.schema.ts';
import { isExportLayout } from './labeled-rows.ts';
import { parseTextFile } from './parse-text.ts';
import { inflateZipEntry, listZipEntries, type ZipEntry } from './zip.ts';

export interface ManifestOptions {
  limits: ImportLimits;
  /** The manifest's sample field: `image` (a path in the zip) for image projects; the text field otherwise. */
  textField?: string;
  labelField?: string;
  labelNames: string[];
}

/** A Sift export's manifest in a zip, and the folder its paths are relative to (`''` at the top). */
export interface ExportManifestEntry {
  entry: ZipEntry;
  root: string;
}

/**
 * The manifest, when the zip is a Sift export: `samples.jsonl` at the top, or else in the zip's one
 * top-level folder (an export unpacked and zipped again as a folder, as desktop tools do).
 */
export function findExportManifest(entries: ZipEntry[]): ExportManifestEntry | undefined {
  const top = entries.find((e) => e.name === EXPORT_MANIFEST);
  if (top) return { entry: top, root: '' };
  const nested = entries.filter((e) => /^[^/]+\/[^/]+$/.test(e.name) && e.name.endsWith(`/${EXPORT_MANIFEST}`) && !e.name.startsWith('__MACOSX/'));
  return nested.length === 1 ? { entry: nested[0]!, root: nested[0]!.name.slice(0, -EXPORT_MANIFEST.length) } : undefined;
}

/**
 * Inflates and parses the manifest; its declared size must fit the text file limit before anything
 * is inflated. A manifest that is not an export's (no export columns) but has a `label` field is
 * read with that field as labels. Messages are prefixed with `zip/samples.jsonl`.
 */
export function readExportManifest(zip: { name: string; data: Buffer }, { entry }: ExportManifestEntry, options: ManifestOptions): ParsedText {
  const where = `${zip.name}/${entry.name}`;
  if (entry.size > options.limits.maxFileBytes) {
    throw new AppError('TOO_LARGE', `${where}: declares ${entry.size} bytes, over the ${options.limits.maxFileBytes}-byte limit`);
  }
  const data = inflateZipEntry(zip.data, entry, where);
  const parse = (labelField: string | undefined) =>
    parseTextFile({ fileName: EXPORT_MANIFEST, data, textField: options.textField, labelField, labelNames: options.labelNames, limits: options.limits });
  try {
    const parsed = parse(options.labelField);
    if (options.labelField !== undefined || isExportLayout(parsed.columns) || !parsed.columns.includes('label')) return parsed;
    return parse('label');
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.code, `${where}: ${error.message}`, error.details);
    throw error;
  }
}

/** A zip uploaded to a text project: only a Sift export's manifest is read; anything else in it is ignored. */
export function parseTextZip(zip: { name: string; data: Buffer }, options: ManifestOptions): ParsedText {
  const entries = listZipEntries(zip.data, zip.name, options.limits.maxZipEntries);
  const manifest = findExportManifest(entries);
  if (!manifest) throw new AppError('INVALID', `${zip.name}: a zip for a text project must be a Sift zip export, with ${EXPORT_MANIFEST} at its top (or in its one top-level folder)`);
  return readExportManifest(zip, manifest, options);
}
