/**
 * The label-free lexical channel: hashed TF-IDF over word 1–2-grams and character 2–5-grams,
 * fitted on a project's own texts. It complements a frozen sentence encoder with exact surface
 * cues (product names, codes, typos, morphology) that a general-purpose embedding blurs.
 *
 * Character n-grams are taken within word boundaries (each whitespace token padded with spaces,
 * like scikit-learn's `char_wb`): n-grams spanning two words mostly repeat what word bigrams
 * already say, and they would add about a quarter more non-zeros, and training time is linear in
 * non-zeros.
 */

/** A sparse matrix in compressed sparse row form; row `i` owns `indices/values[indptr[i]..indptr[i+1])`. */
export interface SparseRows {
  indptr: Uint32Array;
  indices: Uint32Array;
  values: Float32Array;
  nRows: number;
}

/** Plain-data form of a fitted {@link LexicalModel}, safe to JSON.stringify. */
export interface LexicalModelJSON {
  version: 1;
  buckets: number;
  minDf: number;
  documents: number;
  /** Hash buckets kept (df ≥ minDf), ascending; column `k` of the output is bucket `columns[k]`. */
  columns: number[];
  /** Inverse document frequency of each kept column. */
  idf: number[];
  /** Whether character n-grams are features (absent: true, as before this choice existed). */
  characters?: boolean;
}

/** A fitted lexical vectoriser: texts in, L2-normalised TF-IDF rows over `dims` columns out. */
export interface LexicalModel {
  readonly dims: number;
  transform(texts: string[]): SparseRows;
  toJSON(): LexicalModelJSON;
}

const DEFAULT_BUCKETS = 1 << 20;
const DEFAULT_MIN_DF = 2;
/**
 * Character n-grams are kept while texts average at most this many distinct ones (about 300
 * characters of text). Longer documents are represented by words and word pairs alone: their
 * character n-grams are ~80% of the non-zeros (about 1,700 per IMDB review against 400 for
 * words), so with them a 25,000-review audit needs ~5 GB, and on long documents they add little
 * over words (the IMDB baseline, TF-IDF + LR, uses words alone; on 5,000 reviews the lexical
 * channel alone lost 1.3 points of out-of-fold accuracy without them, at a tenth of the time).
 */
export const MAX_CHAR_GRAMS_PER_TEXT = 500;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Distinct starting states keep a word and a character n-gram with the same spelling apart.
const WORD_SEED = fnvStep(FNV_OFFSET, 0x77);
const CHAR_SEED = fnvStep(FNV_OFFSET, 0x63);
const WORD_PATTERN = /[\p{L}\p{N}_]+/gu;

function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME) >>> 0;
}

function fnvString(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i += 1) h = fnvStep(h, text.charCodeAt(i));
  return h;
}

function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Adds the bucket of every word unigram and bigram of `text` (already normalised) to `out`. */
function hashWordGrams(text: string, buckets: number, out: BucketList): void {
  let previous: number | undefined;
  for (const match of text.matchAll(WORD_PATTERN)) {
    const unigram = fnvString(WORD_SEED, match[0]);
    out.push(unigram % buckets);
    // Continuing the previous word's hash over a separator and this word hashes "prev this".
    if (previous !== undefined) out.push(fnvString(fnvStep(previous, 0x20), match[0]) % buckets);
    previous = unigram;
  }
}

/** Adds the bucket of every 2–5-character n-gram inside each space-padded whitespace token to `out`. */
function hashCharGrams(text: string, buckets: number, out: BucketList): void {
  for (const token of text.split(/\s+/)) {
    if (!token) continue;
    const padded = ` ${token} `;
    for (let start = 0; start + 2 <= padded.length; start += 1) {
      // One running hash per start position yields all lengths without building substrings.
      let h = fnvStep(CHAR_SEED, padded.charCodeAt(start));
      const end = Math.min(start + 5, padded.length);
      for (let pos = start + 1; pos < end; pos += 1) {
        h = fnvStep(h, padded.charCodeAt(pos));
        out.push(h % buckets);
      }
    }
  }
}

type BlockCounts = { buckets: Uint32Array; counts: Uint32Array };

/** Growable scratch list of bucket ids, reused across texts to avoid per-text allocation. */
class BucketList {
  items = new Uint32Array(256);
  length = 0;

  push(bucket: number): void {
    if (this.length === this.items.length) {
      const grown = new Uint32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = bucket;
  }

  /** The distinct buckets ascending, with how often each occurred; empties the list. */
  counts(): BlockCounts {
    const sorted = this.items.subarray(0, this.length).sort();
    let distinct = 0;
    for (let i = 0; i < sorted.length; i += 1) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct += 1;
    const buckets = new Uint32Array(distinct);
    const counts = new Uint32Array(distinct);
    let k = -1;
    for (let i = 0; i < sorted.length; i += 1) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) buckets[++k] = sorted[i]!;
      counts[k]! += 1;
    }
    this.length = 0;
    return { buckets, counts };
  }
}

/** Term counts of one text per block (words, characters), buckets ascending; `characters` false leaves that block empty. */
function countBuckets(text: string, buckets: number, scratch: BucketList, characters: boolean): [BlockCounts, BlockCounts] {
  const normalized = normalizeText(text);
  hashWordGrams(normalized, buckets, scratch);
  const words = scratch.counts();
  if (characters) hashCharGrams(normalized, buckets, scratch);
  return [words, scratch.counts()];
}

/**
 * Fits the lexical channel on `texts` (all of a project's texts, labelled or not: no labels are
 * used). Buckets seen in fewer than `minDf` texts (default 2) are dropped, since a feature in a
 * single text cannot help classify any other text. Character n-grams are features unless the
 * texts average more than {@link MAX_CHAR_GRAMS_PER_TEXT} of them (long documents), or
 * `characters` says otherwise.
 */
export function fitLexical(texts: string[], options: { buckets?: number; minDf?: number; characters?: boolean } = {}): LexicalModel {
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  const minDf = options.minDf ?? DEFAULT_MIN_DF;
  if (!Number.isInteger(buckets) || buckets < 16 || buckets > 1 << 26) throw new Error(`invalid buckets ${buckets}`);
  // Document frequencies with and without character n-grams, so one pass serves either choice.
  const df = new Uint32Array(buckets);
  const wordDf = new Uint32Array(buckets);
  const lastSeen = new Int32Array(buckets).fill(-1);
  const scratch = new BucketList();
  const wantCharacters = options.characters ?? true;
  let charGrams = 0;
  texts.forEach((text, t) => {
    const [words, chars] = countBuckets(text, buckets, scratch, wantCharacters);
    for (const bucket of words.buckets) wordDf[bucket]! += 1;
    charGrams += chars.buckets.length;
    for (const block of [words, chars]) {
      for (const bucket of block.buckets) {
        // A bucket shared by a word and a character n-gram still counts once per text.
        if (lastSeen[bucket] === t) continue;
        lastSeen[bucket] = t;
        df[bucket] = (df[bucket] ?? 0) + 1;
      }
    }
  });
  const characters = options.characters ?? charGrams <= MAX_CHAR_GRAMS_PER_TEXT * Math.max(1, texts.length);
  const counts = characters ? df : wordDf;
  const columns: number[] = [];
  const idf: number[] = [];
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const count = counts[bucket] ?? 0;
    if (count === 0 || count < minDf) continue;
    columns.push(bucket);
    // Smoothed IDF as in scikit-learn, so a term in every text still has weight 1.
    idf.push(Math.log((1 + texts.length) / (1 + count)) + 1);
  }
  return lexicalFromJSON({ version: 1, buckets, minDf, documents: texts.length, columns, idf, characters });
}

/** Rebuilds a fitted {@link LexicalModel} from {@link LexicalModel.toJSON} output. */
export function lexicalFromJSON(json: LexicalModelJSON): LexicalModel {
  if (json.version !== 1 || json.columns.length !== json.idf.length) throw new Error('invalid lexical model JSON');
  const columnOf = new Int32Array(json.buckets).fill(-1);
  json.columns.forEach((bucket, column) => (columnOf[bucket] = column));
  const idf = Float32Array.from(json.idf);
  return {
    dims: json.columns.length,
    transform: (texts) => transformTexts(texts, json.buckets, columnOf, idf, json.characters ?? true),
    toJSON: () => ({ ...json, columns: [...json.columns], idf: [...json.idf] }),
  };
}

function transformTexts(texts: string[], buckets: number, columnOf: Int32Array, idf: Float32Array, characters: boolean): SparseRows {
  const indptr = new Uint32Array(texts.length + 1);
  const rows: { columns: Uint32Array; values: Float32Array }[] = [];
  const scratch = new BucketList();
  let nnz = 0;
  texts.forEach((text, i) => {
    const row = weighRow(countBuckets(text, buckets, scratch, characters), columnOf, idf);
    rows.push(row);
    nnz += row.columns.length;
    indptr[i + 1] = nnz;
  });
  const indices = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  rows.forEach((row, i) => {
    indices.set(row.columns, indptr[i]);
    values.set(row.values, indptr[i]);
  });
  return { indptr, indices, values, nRows: texts.length };
}

/**
 * Sublinear TF-IDF per block, each block L2-normalised before the row is, so words and characters
 * weigh the same however many character n-grams a text has; columns ascending.
 */
function weighRow(blocks: BlockCounts[], columnOf: Int32Array, idf: Float32Array): { columns: Uint32Array; values: Float32Array } {
  // Columns are numbered in bucket order, so each block's columns come out ascending already.
  const weighed = blocks.map((block) => {
    const columns = new Uint32Array(block.buckets.length);
    const values = new Float64Array(block.buckets.length);
    let size = 0;
    let norm = 0;
    for (let k = 0; k < block.buckets.length; k += 1) {
      const column = columnOf[block.buckets[k]!]!;
      if (column < 0) continue;
      const count = block.counts[k]!;
      const value = (count === 1 ? 1 : 1 + Math.log(count)) * idf[column]!;
      columns[size] = column;
      values[size++] = value;
      norm += value * value;
    }
    return normalized(columns, values, size, norm);
  });
  return mergeSorted(weighed[0]!, weighed[1]!);
}

/** Merges two ascending (column, value) lists, adding values of a shared column (a hash collision), and L2-normalises. */
function mergeSorted(a: { columns: Uint32Array; values: Float64Array }, b: { columns: Uint32Array; values: Float64Array }) {
  const columns = new Uint32Array(a.columns.length + b.columns.length);
  const values = new Float32Array(columns.length);
  let i = 0;
  let j = 0;
  let size = 0;
  let norm = 0;
  while (i < a.columns.length || j < b.columns.length) {
    const ca = i < a.columns.length ? a.columns[i]! : Infinity;
    const cb = j < b.columns.length ? b.columns[j]! : Infinity;
    const column = Math.min(ca, cb);
    const value = (ca === column ? a.values[i++]! : 0) + (cb === column ? b.values[j++]! : 0);
    columns[size] = column;
    values[size++] = value;
    norm += value * value;
  }
  return normalized(columns, values, size, norm);
}

/** The first `size` entries, scaled to unit L2 norm (`norm` is their sum of squares). */
function normalized<V extends Float32Array | Float64Array>(columns: Uint32Array, values: V, size: number, norm: number) {
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let k = 0; k < size; k += 1) values[k]! *= scale;
  return { columns: columns.subarray(0, size), values: values.subarray(0, size) as V };
}
