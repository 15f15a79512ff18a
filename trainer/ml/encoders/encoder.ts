/**
 * A frozen pretrained encoder: turns Samples (texts or images) into Embeddings that the trainer's
 * small heads learn from. Vectors are L2-normalised Float32Arrays of length `dims`, so a dot
 * product is a cosine similarity (what pgvector's inner-product operators expect).
 */
export interface Encoder<I> {
  /** Stable identifier stored beside every Embedding, so a different encoder never mixes with it. */
  readonly name: string;
  readonly dims: number;
  /** One vector per input, in input order. */
  embed(inputs: I[]): Promise<Float32Array[]>;
  /** Frees the model's weights; the encoder must not be used afterwards. */
  dispose(): void;
}
