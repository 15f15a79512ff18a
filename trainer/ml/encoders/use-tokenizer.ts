/**
 * The SentencePiece tokenizer of the Universal Sentence Encoder (lite): a trie over the vocabulary
 * and a Viterbi pass that picks the segmentation with the highest summed piece score.
 *
 * Ported from tfjs-models' `universal-sentence-encoder/src/tokenizer` (Copyright 2019 Google LLC,
 * Apache License 2.0, http://www.apache.org/licenses/LICENSE-2.0), as also vendored by
 * `@energetic-ai/embeddings` 0.2.0 (Apache-2.0). We port rather than import it because that package
 * loads `@energetic-ai/core`, which bundles a second copy of TF.js that would share (and fight over)
 * the global TF.js engine. Changes from the original: the trie walks the symbol array by offset
 * instead of slicing it at every position (the original is quadratic in the input length), and the
 * lattice is kept as flat arrays. The segmentation chosen is the same, tie-breaking included.
 */

/** `[piece, score]` pairs; a piece's id is its index. The first six ids are reserved symbols. */
export type Vocabulary = ReadonlyArray<readonly [string, number]>;

const SEPARATOR = '\u2581';
const RESERVED_SYMBOLS_COUNT = 6;
const UNKNOWN_ID = 0;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Vocabulary id of the piece ending here, or -1. */
  id: number;
}

/** Splits text into USE vocabulary ids. */
export class UseTokenizer {
  private readonly root: TrieNode = { children: new Map(), id: -1 };
  private readonly pieceLengths: number[];
  private readonly scores: number[];

  constructor(vocabulary: Vocabulary) {
    this.scores = vocabulary.map(([, score]) => score);
    this.pieceLengths = vocabulary.map(([piece]) => Array.from(piece).length);
    for (let id = RESERVED_SYMBOLS_COUNT; id < vocabulary.length; id++) this.insertPiece(vocabulary[id]![0], id);
  }

  /** Token ids for `text`; an empty string gives no ids. */
  encode(text: string): number[] {
    const symbols = Array.from(normalizeInput(text));
    const n = symbols.length;
    // best[end] / bestId[end]: score and last piece of the best segmentation of symbols[0, end).
    const best = new Float64Array(n + 1);
    const bestId = new Int32Array(n + 1);
    const bestLength = new Int32Array(n + 1);
    // The original relaxes edges grouped by end position, then by ascending start, and with `>=`
    // lets the later edge win ties; visiting starts in ascending order here keeps the same order.
    // `best[end] === 0` doubles as "unset", as in the original.
    for (let start = 0; start < n; start++) {
      for (const [id, length] of this.matchPrefixes(symbols, start)) {
        const end = start + length;
        const score = this.scoreOf(id) + best[start]!;
        if (best[end] === 0 || score >= best[end]!) {
          best[end] = score;
          bestId[end] = id;
          bestLength[end] = length;
        }
      }
    }
    return backtrack(bestId, bestLength, n);
  }

  private scoreOf(id: number): number {
    return this.scores[id] ?? 0;
  }

  private insertPiece(piece: string, id: number): void {
    let node = this.root;
    for (const symbol of piece) {
      let child = node.children.get(symbol);
      if (!child) {
        child = { children: new Map(), id: -1 };
        node.children.set(symbol, child);
      }
      node = child;
    }
    node.id = id;
  }

  /** `[id, length]` of every vocabulary piece starting at `start`, or the unknown id for one symbol. */
  private matchPrefixes(symbols: readonly string[], start: number): [number, number][] {
    const matches: [number, number][] = [];
    let node = this.root.children.get(symbols[start]!);
    for (let i = start; node && i < symbols.length; ) {
      if (node.id >= 0) matches.push([node.id, i - start + 1]);
      i += 1;
      node = i < symbols.length ? node.children.get(symbols[i]!) : undefined;
    }
    return matches.length ? matches : [[UNKNOWN_ID, 1]];
  }
}

/** NFKC, then SentencePiece's word-boundary marker in front and in place of every space. */
function normalizeInput(text: string): string {
  const normalized = text.normalize('NFKC');
  return normalized.length > 0 ? SEPARATOR + normalized.replace(/ /g, SEPARATOR) : normalized;
}

/** Walks the best path back from the end, merging runs of unknown ids into one as the original does. */
function backtrack(bestId: Int32Array, bestLength: Int32Array, n: number): number[] {
  const reversed: number[] = [];
  for (let end = n; end > 0; end -= Math.max(1, bestLength[end]!)) reversed.push(bestId[end]!);
  const ids: number[] = [];
  let previousUnknown = false;
  for (const id of reversed) {
    if (!(previousUnknown && id === UNKNOWN_ID)) ids.push(id);
    previousUnknown = id === UNKNOWN_ID;
  }
  return ids.reverse();
}
