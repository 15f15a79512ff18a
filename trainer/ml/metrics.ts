/**
 * Evaluation metrics of a ModelVersion, computed from true labels and predicted probabilities.
 */

/** Everything the model page shows about one evaluation. */
export interface Metrics {
  accuracy: number;
  /** Mean F1 over the classes that occur in the labels or the predictions (as scikit-learn does). */
  macroF1: number;
  /** Indexed by class; a class never seen nor predicted has zeros. */
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  /** Expected calibration error: 15 equal-width bins over the top probability. */
  ece: number;
  n: number;
}

const ECE_BINS = 15;

/** The predicted class: the first index holding the largest probability. */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  return best;
}

/**
 * Computes {@link Metrics} for `labels` (class indices) against `proba` (one vector per label).
 * Empty input gives all-zero metrics rather than NaN.
 */
export function computeMetrics(labels: number[], proba: Float32Array[], numClasses: number): Metrics {
  if (labels.length !== proba.length) throw new Error(`${labels.length} labels for ${proba.length} predictions`);
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const bins = Array.from({ length: ECE_BINS }, () => ({ count: 0, correct: 0, confidence: 0 }));
  let correct = 0;
  labels.forEach((label, i) => {
    const p = proba[i]!;
    const predicted = argmax(p);
    confusion[label]![predicted]! += 1;
    if (predicted === label) correct += 1;
    const confidence = p[predicted] ?? 0;
    // Bins are (k/15, (k+1)/15]; a confidence of exactly 0 joins the first.
    const bin = bins[Math.min(ECE_BINS - 1, Math.max(0, Math.ceil(confidence * ECE_BINS) - 1))]!;
    bin.count += 1;
    bin.confidence += confidence;
    if (predicted === label) bin.correct += 1;
  });
  const n = labels.length;
  const perClass = confusion.map((row, c) => scoreClass(confusion, row, c));
  const active = perClass.filter((_, c) => perClass[c]!.support > 0 || confusion.some((row) => row[c]! > 0));
  return {
    accuracy: n ? correct / n : 0,
    macroF1: active.length ? active.reduce((sum, cls) => sum + cls.f1, 0) / active.length : 0,
    perClass,
    confusion,
    ece: n ? bins.reduce((sum, bin) => sum + Math.abs(bin.correct - bin.confidence), 0) / n : 0,
    n,
  };
}

function scoreClass(confusion: number[][], row: number[], c: number): Metrics['perClass'][number] {
  const truePositives = row[c]!;
  const support = row.reduce((sum, count) => sum + count, 0);
  const predicted = confusion.reduce((sum, r) => sum + r[c]!, 0);
  const precision = predicted ? truePositives / predicted : 0;
  const recall = support ? truePositives / support : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support };
}
