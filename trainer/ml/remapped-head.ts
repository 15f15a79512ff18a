import type { Features, Head } from './head.ts';

/**
 * A head trained over another ordering or a subset of the project's labels (a model imported from
 * another project), seen in the project's label order: each of the project's labels gets its
 * column's probability, and labels the head never knew get 0. Scoring and promotion can then use
 * it like a head trained here. It is not a warm start (not a FittedHead), and serializes as itself.
 */
export class RemappedHead implements Head {
  readonly numClasses: number;

  /** `columnOf[i]`: the inner head's column for the project's i-th label, or -1. */
  constructor(
    private readonly inner: Head,
    private readonly columnOf: number[],
  ) {
    this.numClasses = columnOf.length;
  }

  /** The head over `headLabelIds` seen in `projectLabelIds` order; undefined when it knows a label the project lacks. */
  static fit(inner: Head, headLabelIds: number[], projectLabelIds: number[]): RemappedHead | undefined {
    if (headLabelIds.some((id) => !projectLabelIds.includes(id))) return undefined;
    return new RemappedHead(inner, projectLabelIds.map((id) => headLabelIds.indexOf(id)));
  }

  get kind() {
    return this.inner.kind;
  }

  get l2() {
    return this.inner.l2;
  }

  predictProba(features: Features): Float32Array[] {
    return this.inner.predictProba(features).map((row) => Float32Array.from(this.columnOf, (column) => (column < 0 ? 0 : row[column]!)));
  }

  serialize() {
    return this.inner.serialize();
  }
}
