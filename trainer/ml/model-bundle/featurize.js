/**
 * The lexical channel of an exported Sift model, in plain JavaScript (Node 18+ or any modern
 * browser, no dependencies). It turns a text into the `lexical` part of the model's input vector,
 * exactly as Sift's trainer does:
 *
 *   1. normalise: Unicode NFKC, then lower case;
 *   2. word 1- and 2-grams (words = runs of letters, digits and `_`) and, unless `characters` is
 *      false (models of long documents), character 2- to 5-grams
 *      inside each whitespace token padded with one space on each side, each hashed with 32-bit
 *      FNV-1a (words and characters from different seeds) modulo `buckets`;
 *   3. per block (words, characters): sublinear term frequency (1 + ln count) × IDF of each bucket
 *      in the vocabulary (other buckets are dropped), L2-normalised;
 *   4. the two blocks added (a bucket in both sums) and the row L2-normalised again;
 *   5. the model's lexical inputs are the vocabulary entries listed in `inputs`, in that order.
 *
 * Usage: `const f = createFeaturizer(JSON.parse(lexicalJson)); const x = f.features(embedding, text);`
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_PATTERN = /[\p{L}\p{N}_]+/gu;

function fnvStep(hash, code) {
  return Math.imul(hash ^ code, FNV_PRIME) >>> 0;
}

function fnvString(hash, text) {
  let h = hash;
  for (let i = 0; i < text.length; i += 1) h = fnvStep(h, text.charCodeAt(i));
  return h;
}

const WORD_SEED = fnvStep(FNV_OFFSET, 0x77);
const CHAR_SEED = fnvStep(FNV_OFFSET, 0x63);

/** Bucket → occurrences of the word 1- and 2-grams of a normalised text. */
function wordCounts(text, buckets) {
  const counts = new Map();
  const add = (hash) => counts.set(hash % buckets, (counts.get(hash % buckets) ?? 0) + 1);
  let previous;
  for (const match of text.matchAll(WORD_PATTERN)) {
    const unigram = fnvString(WORD_SEED, match[0]);
    add(unigram);
    // The bigram hash continues the previous word's hash over a space, then this word.
    if (previous !== undefined) add(fnvString(fnvStep(previous, 0x20), match[0]));
    previous = unigram;
  }
  return counts;
}

/** Bucket → occurrences of the character 2–5-grams inside each space-padded token. */
function charCounts(text, buckets) {
  const counts = new Map();
  for (const token of text.split(/\s+/)) {
    if (!token) continue;
    const padded = ` ${token} `;
    for (let start = 0; start + 2 <= padded.length; start += 1) {
      let h = fnvStep(CHAR_SEED, padded.charCodeAt(start));
      const end = Math.min(start + 5, padded.length);
      for (let pos = start + 1; pos < end; pos += 1) {
        h = fnvStep(h, padded.charCodeAt(pos));
        counts.set(h % buckets, (counts.get(h % buckets) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** Vocabulary index → L2-normalised sublinear TF-IDF weight of one block. */
function weigh(counts, indexOf, idf) {
  const row = new Map();
  let norm = 0;
  for (const [bucket, count] of counts) {
    const index = indexOf.get(bucket);
    if (index === undefined) continue;
    const value = (count === 1 ? 1 : 1 + Math.log(count)) * idf[index];
    row.set(index, value);
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (const [index, value] of row) row.set(index, value * scale);
  return row;
}

/**
 * A featurizer for the `lexical.json` of an exported model: `{ buckets, vocabulary, idf, inputs, characters }`.
 * `lexicalRow(text)` gives the sparse row over the whole vocabulary (index → value);
 * `lexical(text)` the model's lexical inputs; `features(embedding, text)` the full input vector.
 */
export function createFeaturizer(lexical) {
  const { buckets, vocabulary, idf, inputs } = lexical;
  const characters = lexical.characters !== false;
  const indexOf = new Map(vocabulary.map((bucket, index) => [bucket, index]));
  const inputOf = new Map(inputs.map((index, position) => [index, position]));

  function lexicalRow(text) {
    const normalized = text.normalize('NFKC').toLowerCase();
    const row = weigh(wordCounts(normalized, buckets), indexOf, idf);
    const chars = characters ? weigh(charCounts(normalized, buckets), indexOf, idf) : [];
    for (const [index, value] of chars) row.set(index, (row.get(index) ?? 0) + value);
    let norm = 0;
    for (const value of row.values()) norm += value * value;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (const [index, value] of row) row.set(index, value * scale);
    return row;
  }

  function lexicalInputs(text) {
    const out = new Float32Array(inputs.length);
    for (const [index, value] of lexicalRow(text)) {
      const position = inputOf.get(index);
      if (position !== undefined) out[position] = value;
    }
    return out;
  }

  /** `embedding` (already L2-normalised) followed by the lexical inputs of `text`. */
  function features(embedding, text) {
    const out = new Float32Array(embedding.length + inputs.length);
    out.set(embedding, 0);
    out.set(lexicalInputs(text), embedding.length);
    return out;
  }

  return { dims: inputs.length, lexicalRow, lexical: lexicalInputs, features };
}

/** Scales a vector to unit length (the encoders' outputs are used L2-normalised). */
export function normalize(vector) {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 1;
  return Float32Array.from(vector, (value) => value * scale);
}
