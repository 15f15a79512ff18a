/**
 * One exported sample as a CSV record or a JSON line. Pure: the export service feeds it batches
 * from db/exports.ts.
 */
import type { ExportSample } from '#db/exports.ts';
import { csvRow } from './csv.ts';
import { exportColumnsFor } from './export-layout.ts';

export type Split = 'train' | 'check';

/**
 * A sample's split: 'check' for a random check sample (drawn at random from the pool; the accuracy
 * on the Models page is measured on these by a model that never trained on them), else 'train'.
 */
export function splitOf(sample: Pick<ExportSample, 'check'>): Split {
  return sample.check ? 'check' : 'train';
}

/**
 * `imagePath`: in a zip export, the image's path inside the zip; `image` then holds that path and
 * `imageName` the image's own name, so the import can give the sample its name back.
 */
function toRecord(sample: ExportSample, dataType: 'text' | 'image', imagePath?: string) {
  let content: Record<string, string | null> = dataType === 'image' ? { image: sample.imageName } : { text: sample.text };
  if (imagePath !== undefined) content = { image: imagePath, imageName: sample.imageName };
  return {
    id: sample.id,
    ...content,
    metadata: sample.metadata,
    label: sample.label,
    resolution: sample.resolution,
    split: splitOf(sample),
    annotations: sample.annotations,
    prediction: sample.prediction,
    confidence: sample.confidence,
  };
}

export function csvHeader(dataType: 'text' | 'image'): string {
  return csvRow(exportColumnsFor(dataType));
}

/** A CSV record: metadata and annotations as JSON, formula-like cells guarded (see csv.ts). */
export function toCsvRow(sample: ExportSample, dataType: 'text' | 'image'): string {
  const r = toRecord(sample, dataType);
  return csvRow([
    r.id,
    dataType === 'image' ? sample.imageName : sample.text,
    JSON.stringify(r.metadata),
    r.label,
    r.resolution,
    r.split,
    JSON.stringify(r.annotations),
    r.prediction,
    r.confidence,
  ]);
}

export function toJsonLine(sample: ExportSample, dataType: 'text' | 'image', imagePath?: string): string {
  return `${JSON.stringify(toRecord(sample, dataType, imagePath))}\n`;
}

/**
 * Where a sample's image goes in a zip export: `images/<sample id>-<its name's last segment>`, with
 * anything but letters, digits, `.`, `_` and `-` made `_`. The id keeps paths unique and the name
 * recognisable; the sample's full name travels in the manifest.
 */
export function zipImagePath(sample: { id: number; imageName: string | null }): string {
  const base = (sample.imageName ?? '').split(/[\\/]/).at(-1) ?? '';
  // By code point, so the cut to the last 100 (keeping the extension) never splits a character.
  const safe = Array.from(base.normalize('NFC').replace(/[^\p{L}\p{N}._-]+/gu, '_')).slice(-100).join('');
  return `images/${sample.id}-${safe || 'image'}`;
}
