/**
 * Fits head parameters on one design: restricts the lexical weights to the columns its rows use,
 * starts from zero or from an earlier head, and runs L-BFGS on the objective at a given L2.
 */
import { remapColumns, usedColumns, type Design } from './design.ts';
import { FittedHead } from './head-model.ts';
import { type LexicalModelJSON } from './lexical.ts';
import { layOut, type HeadShape, type Layout } from './head-layout.ts';
import { HeadObjective, type TrainingRows } from './objective.ts';
import { minimize, minimizerVectorCount } from './optimize.ts';
import { Arena, type Block } from './simd.ts';
import { createRandom } from './random.ts';

// The generator lives in random.ts (pure); imported from here by older callers.
export { createRandom };

/** Hidden units of the 'mlp' kind. */
export const MLP_HIDDEN = 128;
/** Curvature pairs: 3 converges as fast but leaves more of the held-out rows' traces in CV folds. */
const LBFGS_MEMORY = 5;

/** Outcome of one {@link Trainer.fit}. */
export interface FitRun {
  iterations: number;
  converged: boolean;
  loss: number;
}

/**
 * The training state for one design and label set. Its parameters persist across `fit` calls, so
 * a path of L2 values is walked with each fit starting from the previous solution.
 */
export class Trainer {
  readonly shape: HeadShape;
  private readonly layout: Layout;
  private readonly columns: Uint32Array;
  private readonly arena: Arena;
  private readonly objective: HeadObjective;
  private readonly x: Block<Float32Array>;
  /** Whether the parameters are near an optimum (a warm start or a previous fit). */
  private warm = false;

  constructor(
    private readonly design: Design,
    labels: number[],
    numClasses: number,
    kind: 'softmax' | 'mlp',
    options: { warmStart?: FittedHead; seed?: number; unweighted?: boolean } = {},
  ) {
    const lexicalDims = design.lexical?.dims ?? 0;
    // Columns no training row uses would only ever get zero weight: leave them out of the fit.
    this.columns = design.sparse ? usedColumns(design.sparse, lexicalDims) : new Uint32Array(0);
    this.shape = { kind, numClasses, lexicalDims: this.columns.length, denseDims: design.denseDims, hidden: kind === 'mlp' ? MLP_HIDDEN : 0 };
    this.layout = layOut(this.shape);
    const sparse = design.sparse && remapColumns(design.sparse, this.columns, lexicalDims);
    const rows: TrainingRows = { sparse, dense: design.dense, labels, unweighted: options.unweighted };
    const vectors = minimizerVectorCount(LBFGS_MEMORY) + 1;
    this.arena = new Arena(HeadObjective.arenaBytes(this.layout, rows) + Arena.bytesFor(Array(vectors).fill(this.layout.size)), { parallel: true });
    this.objective = new HeadObjective(this.arena, this.shape, this.layout, rows, 0);
    this.x = this.arena.floats(this.layout.size);
    if (options.warmStart) this.copyFrom(options.warmStart);
    else if (kind === 'mlp') this.initHiddenLayer(options.seed ?? 0);
    this.warm = options.warmStart !== undefined;
  }

  /** Minimises the objective at `l2` from the current parameters. */
  fit(l2: number, maxIterations: number, lossTolerance: number): FitRun {
    this.objective.l2 = l2;
    const result = minimize(this.arena, this.objective, this.x, {
      maxIterations,
      lossTolerance,
      gradientTolerance: 1e-6,
      memory: LBFGS_MEMORY,
      unitFirstStep: this.warm,
    });
    this.warm = true;
    return { iterations: result.iterations, converged: result.converged, loss: result.loss };
  }

  /** A head holding a copy of the current parameters. */
  toHead(l2: number, inverseTemperature = 1): FittedHead {
    return new FittedHead({ shape: this.shape, l2, trainedOn: this.design.dense.length, inverseTemperature, params: this.x.array.slice(0, this.layout.size), columns: this.columns, lexical: this.design.lexical });
  }

  /** Frees the tensors; the trainer must not be used afterwards. */
  dispose(): void {
    this.objective.dispose();
    this.arena.dispose();
  }

  /**
   * Starts from an earlier head: lexical rows matched by hash bucket (stable across refits of the
   * lexical model), classes matched by index (new classes start at zero), dense weights when the
   * embedding size and kind agree.
   */
  private copyFrom(previous: FittedHead): void {
    const { state } = previous;
    const from = previous.layout;
    const to = this.layout;
    const classes = Math.min(state.shape.numClasses, this.shape.numClasses);
    const copyRows = (fromOffset: number, toOffset: number, rows: number, fromWidth: number, toWidth: number, width: number) => {
      for (let r = 0; r < rows; r += 1) {
        this.x.array.set(state.params.subarray(fromOffset + r * fromWidth, fromOffset + r * fromWidth + width), toOffset + r * toWidth);
      }
    };
    const previousRow = matchLexicalRows(state.columns, state.lexical?.toJSON(), this.columns, this.design.lexical?.toJSON());
    previousRow.forEach((row, k) => row >= 0 && copyRows(row * from.width, k * to.width, 1, from.width, to.width, classes));
    copyRows(from.bias.offset, to.bias.offset, 1, from.width, to.width, classes);
    const sameDense = state.shape.denseDims === this.shape.denseDims && state.shape.hidden === this.shape.hidden;
    if (state.shape.kind !== this.shape.kind || !sameDense) {
      if (this.shape.kind === 'mlp') this.initHiddenLayer(0);
      return;
    }
    if (this.shape.kind === 'softmax') {
      copyRows(from.w1.offset, to.w1.offset, this.shape.denseDims, from.width, to.width, classes);
      return;
    }
    this.x.array.set(state.params.subarray(from.w1.offset, from.b1.offset + from.b1.length), to.w1.offset);
    copyRows(from.w2.offset, to.w2.offset, this.shape.hidden, from.width, to.width, classes);
  }

  /** Glorot-uniform first layer from a seeded generator (zero would leave every unit identical). */
  private initHiddenLayer(seed: number): void {
    const { w1 } = this.layout;
    const random = createRandom(seed + 1);
    const limit = Math.sqrt(6 / (this.shape.denseDims + this.shape.hidden));
    for (let i = 0; i < this.shape.denseDims * this.shape.hidden; i += 1) this.x.array[w1.offset + i] = (2 * random() - 1) * limit;
  }
}

/** For each new lexical row, the previous head's row with the same hash bucket, or −1. */
function matchLexicalRows(
  previousColumns: Uint32Array,
  previous: LexicalModelJSON | undefined,
  columns: Uint32Array,
  current: LexicalModelJSON | undefined,
): Int32Array {
  const out = new Int32Array(columns.length).fill(-1);
  // Bucket ids mean the same n-grams only under the same hashing.
  if (!previous || !current || previous.buckets !== current.buckets) return out;
  const rowOfBucket = new Map<number, number>();
  previousColumns.forEach((column, row) => rowOfBucket.set(previous.columns[column]!, row));
  columns.forEach((column, k) => (out[k] = rowOfBucket.get(current.columns[column]!) ?? -1));
  return out;
}

