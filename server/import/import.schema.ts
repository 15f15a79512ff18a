/**
 * Types and limits shared by the sample import parsers. The parsers are pure:
 * bytes in, SampleDrafts out (or one AppError for the whole file), so the
 * import service can dedupe and insert them in a single transaction.
 */

/** Upper bounds that keep one import from exhausting memory or the database. */
export interface ImportLimits {
  /** Size of one uploaded text file (CSV/JSONL/JSON). */
  maxFileBytes: number;
  /** Data rows per text file. */
  maxRows: number;
  /** Characters (code points) in one Sample's text. */
  maxTextChars: number;
  /** Size of one image, uploaded directly or inflated from a zip. */
  maxImageBytes: number;
  /** Images in one import, zip entries included. */
  maxImages: number;
  /** Entries in one zip's central directory, junk and folders included. */
  maxZipEntries: number;
  /** Bytes of image data in one import once inflated; also caps each zip's own size. */
  maxUncompressedBytes: number;
}

const MiB = 1024 * 1024;

export const defaultImportLimits: ImportLimits = {
  maxFileBytes: 50 * MiB,
  maxRows: 100_000,
  maxTextChars: 20_000,
  maxImageBytes: 10 * MiB,
  maxImages: 10_000,
  maxZipEntries: 20_000,
  maxUncompressedBytes: 1024 * MiB,
};

/** Largest width or height accepted; bigger ones are decompression bombs or corrupt headers. */
export const maxImageSide = 20_000;

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/** One image Sample's bytes plus what its header says about it. */
export interface ImageDraft {
  /** File name, or the normalized entry path inside its zip. */
  name: string;
  mime: ImageMime;
  data: Buffer;
  width: number;
  height: number;
}

/** A Sample parsed from an upload, not yet stored. */
export interface SampleDraft {
  /**
   * 1-based position of the Sample in its source, used in messages:
   * CSV: the Nth data row (header excluded, empty lines skipped; errors also give the file line);
   * JSONL: the physical line number; JSON array: index + 1; images: position in the upload.
   */
  row: number;
  /** Set for text projects, exactly as written in the file. */
  text?: string;
  /** Set for image projects. */
  image?: ImageDraft;
  /** CSV: the other columns, as strings. JSONL/JSON: the other keys. Images: file and archive names. */
  metadata: Record<string, unknown>;
  /** sha256 hex of the normalized text (NFC, whitespace collapsed, trimmed) or of the image bytes. */
  contentHash: string;
  /** The label name from the file's label column (text imports), when the row has one. */
  label?: string;
  /**
   * Annotations the file carries for this Sample (a Sift export's `annotations`): restored as their
   * annotators' own where those are members of the project. Labels are already checked.
   */
  annotations?: ImportedAnnotation[];
}

/** One annotation read from an upload, not yet stored. */
export interface ImportedAnnotation {
  /** The annotator's email, lowercased: matched against the project's members. */
  annotator: string;
  /** A label name of the project. */
  label: string;
  /** When it was made (ISO 8601); absent: the time of the import. */
  at?: string;
  /** When its label last changed (ISO 8601); absent: `at`. */
  updatedAt?: string;
  /** Time spent on the sample; absent: 0. */
  durationMs?: number;
}

export type TextFormat = 'csv' | 'jsonl';

/** All Samples of one text file, with the columns (CSV header or union of JSON keys) seen in it. */
export interface ParsedText {
  format: TextFormat;
  columns: string[];
  samples: SampleDraft[];
}

/** The head of a text file, shown before the user picks the text column. */
export interface TextPreview {
  format: TextFormat;
  columns: string[];
  /** Up to the first 5 rows, each keyed by column (a CSV export's formula guards taken off, as the import does). */
  rows: Record<string, unknown>[];
  /** The label column the import reads when none is named: `label` in a Sift export; absent otherwise. */
  defaultLabelField?: string;
}
