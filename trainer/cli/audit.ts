import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initTensorBackend } from '../ml/backend.ts';
import { buildDesign } from '../ml/design.ts';
import { crossValidatedProba } from '../ml/evaluate.ts';
import { fitDesign, type Features } from '../ml/head.ts';
import { fitLexical } from '../ml/lexical.ts';
import { argmax } from '../ml/metrics.ts';
import { nearestNeighbors, rankSuspects, type Suspect } from '../ml/mislabels.ts';
import { assertWritableFile } from './output.ts';
import { readDataset } from './dataset.ts';
import { embedRows } from './embed-rows.ts';

export const USAGE = `usage: sift audit --data FILE (--text-field NAME | --image-field NAME) --label-field NAME
       [--folds K] [--neighbors K] --out REPORT.json [--cache-dir DIR] [--image-model-dir DIR]`;

const DEFAULT_FOLDS = 5;
/** Neighbours per sample: the k cleanlab's Datalab uses for its kNN graph. */
const DEFAULT_NEIGHBORS = 10;
const TOP = 10;

/** Options for {@link auditLabels}. */
export interface AuditOptions {
  /** Requested fold count; capped at the smallest class's size, at least 2. */
  folds?: number;
  /** Neighbours per sample for the neighbour vote; 0 turns it off. */
  neighbors?: number;
  seed?: number;
  onProgress?: (line: string) => void;
}

/** What {@link auditLabels} returns: every sample ranked, and the out-of-fold accuracy. */
export interface Audit {
  suspects: Suspect[];
  folds: number;
  accuracy: number;
}

/**
 * Ranks labelled samples by how likely their label is wrong, the way the platform evaluates a
 * ModelVersion: lexical channel fitted label-free on all texts, one fit to choose the L2, then
 * k-fold out-of-fold probabilities warm-started from that fit, plus the labels of each sample's
 * nearest neighbours in embedding space.
 */
export async function auditLabels(features: Features, labels: number[], numClasses: number, options: AuditOptions = {}): Promise<Audit> {
  const log = options.onProgress ?? (() => undefined);
  const counts = new Map<number, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  if (counts.size < 2) throw new Error(`an audit needs labels of at least two classes, got ${counts.size}`);
  const folds = Math.max(2, Math.min(options.folds ?? DEFAULT_FOLDS, ...counts.values()));
  let started = performance.now();
  const lexical = features.texts ? fitLexical(features.texts) : undefined;
  const design = buildDesign(features.dense, features.texts, lexical);
  const fit = await fitDesign(design, labels, numClasses, { lexical, seed: options.seed });
  log(`fitted on ${labels.length} samples (C = ${(1 / (fit.l2 * labels.length)).toPrecision(2)}) in ${seconds(started)}`);
  started = performance.now();
  const oof = await crossValidatedProba(features, labels, numClasses, { design, lexical, l2: fit.l2, warmStart: fit.head, folds, seed: options.seed });
  const accuracy = labels.filter((label, i) => argmax(oof[i]!) === label).length / labels.length;
  log(`${folds}-fold out-of-fold accuracy ${accuracy.toFixed(3)} in ${seconds(started)}`);
  started = performance.now();
  const k = options.neighbors ?? DEFAULT_NEIGHBORS;
  const neighbors = k > 0 ? nearestNeighbors(features.dense, k).map((row) => row.map((j) => labels[j]!)) : undefined;
  if (neighbors) log(`${k} nearest neighbours of every sample in ${seconds(started)}`);
  return { suspects: rankSuspects({ given: labels, oof, numClasses, neighbors }), folds, accuracy };
}

/** `sift audit`: which rows of this labelled file are probably mislabelled? */
export async function runAudit(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      'text-field': { type: 'string' },
      'image-field': { type: 'string' },
      'label-field': { type: 'string', default: 'label' },
      folds: { type: 'string', default: String(DEFAULT_FOLDS) },
      neighbors: { type: 'string', default: String(DEFAULT_NEIGHBORS) },
      out: { type: 'string' },
      'image-model-dir': { type: 'string' },
      'cache-dir': { type: 'string', default: '.sift/cache' },
    },
  });
  if (!values.data || !values.out) throw new Error(USAGE);
  // Checked first: the report is written only after minutes of embedding and fitting.
  assertWritableFile(values.out, '--out');
  if (values['text-field'] && values['image-field']) throw new Error(`give --text-field or --image-field, not both\n${USAGE}`);
  const folds = wholeNumber('folds', values.folds, 2);
  const neighbors = wholeNumber('neighbors', values.neighbors, 0);

  const tensor = await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: (l) => console.error(l) });
  const data = readDataset({ file: values.data, textField: values['text-field'], imageField: values['image-field'], labelField: values['label-field'] });
  const classes = [...new Set(data.rows.map((r) => r.label))].sort();
  if (classes.length < 2) throw new Error(`${values.data}: an audit needs at least two classes in "${values['label-field']}", found ${classes.length}`);
  const classOf = new Map(classes.map((c, i) => [c, i]));
  const labels = data.rows.map((r) => classOf.get(r.label)!);
  const singletons = classes.filter((_, c) => labels.filter((l) => l === c).length === 1);
  if (singletons.length) console.error(`warning: ${singletons.length} class(es) with one row (${singletons.slice(0, 3).join(', ')}): the model never sees them out of fold, so those rows rank high`);

  const embed = await embedRows(data.rows, data.kind, { cacheDir: values['cache-dir'], imageModelDir: values['image-model-dir'] ?? process.env.SIFT_IMAGE_MODEL_DIR });
  console.error(`${data.rows.length} rows, ${classes.length} classes; encoder ${embed.encoder} on ${tensor.backend}`);
  const texts = data.kind === 'text' ? data.rows.map((r) => r.input as string) : undefined;
  const audit = await auditLabels({ dense: embed.vectors, texts }, labels, classes.length, { folds, neighbors, onProgress: (l) => console.error(l) });

  const ranked = audit.suspects.map((s) => ({
    index: s.index,
    given: classes[s.given]!,
    suggested: classes[s.suggested]!,
    score: Number(s.score.toFixed(4)),
    flagged: s.flagged,
  }));
  writeFileSync(values.out, JSON.stringify({ encoder: embed.encoder, folds: audit.folds, accuracy: audit.accuracy, ranked }, null, 2));
  console.log(`out-of-fold accuracy ${audit.accuracy.toFixed(3)} (${audit.folds} folds); ${ranked.filter((r) => r.flagged).length} of ${ranked.length} rows flagged`);
  console.log('index   score  given → suggested');
  for (const r of ranked.slice(0, TOP)) {
    const row = data.rows[r.index]!;
    // An image row's key is `FILE:PATH` (CSV or JSONL) or `CLASS/NAME` (folders): show the path.
    const shown = typeof row.input === 'string' ? truncate(row.input, 60) : row.key.replace(`${values.data}:`, '');
    console.log(`${String(r.index).padStart(5)}  ${r.score.toFixed(3)}  ${r.given} → ${r.suggested}${r.flagged ? ' (flagged)' : ''}  ${shown}`);
  }
  console.log(`report written to ${values.out}`);
}

function wholeNumber(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
