/**
 * One exported sample as a CSV record or a JSON line. Pure: the export service feeds it batches
 * from db/exports.ts.
 */
import type { ExportSample } from '#db/exports.ts';
import { isHeldOut } from '#trainer/ml/split.ts';
import { csvRow } from './csv.ts';
import { exportColumnsFor } from './export-layout.ts';

export type Split = 'train' | 'held-out';

/** The trainer's fixed split for a sample: held out by content hash, exactly as training decides it. */
export function splitOf(contentHash: string): Split {
  return isHeldOut(contentHash) ? 'held-out' : 'train';
}

function toRecord(sample: ExportSample, dataType: 'text' | 'image') {
  return {
    id: sample.id,
    [dataType === 'image' ? 'image' : 'text']: dataType === 'image' ? sample.imageName : sample.text,
    metadata: sample.metadata,
    label: sample.label,
    resolution: sample.resolution,
    split: splitOf(sample.contentHash),
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

export function toJsonLine(sample: ExportSample, dataType: 'text' | 'image'): string {
  return `${JSON.stringify(toRecord(sample, dataType))}\n`;
}
