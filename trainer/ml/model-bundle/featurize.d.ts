/** Types of featurize.js, the plain-JavaScript lexical featurizer shipped inside model exports. */
export interface LexicalFile {
  buckets: number;
  vocabulary: number[];
  idf: number[];
  inputs: number[];
  /** false: words only, no character n-grams (absent: true). */
  characters?: boolean;
}

export interface Featurizer {
  readonly dims: number;
  lexicalRow(text: string): Map<number, number>;
  lexical(text: string): Float32Array;
  features(embedding: ArrayLike<number>, text: string): Float32Array;
}

export function createFeaturizer(lexical: LexicalFile): Featurizer;
export function normalize(vector: ArrayLike<number>): Float32Array;
