import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initTensorBackend } from '../ml/backend.ts';
import { STRATEGIES } from '../jobs/project-settings.ts';
import { simulate, createRandom, shuffle, type SimulationSplit } from '../ml/simulate.ts';
import type { Strategy } from '../ml/strategies.ts';
import { assertWritableFile } from './output.ts';
import { readDataset, type LabeledRow } from './dataset.ts';
import { embedRows } from './embed-rows.ts';

export const USAGE = `usage: sift simulate --data FILE [--test FILE] (--text-field NAME | --image-field NAME) --label-field NAME
       [--strategies random,margin,...] [--initial N] [--batch N] [--budget N] [--seeds K] --out REPORT.json`;

/** `sift simulate`: can a model learn this file's labels, and how many labels will it take? */
export async function runSimulate(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      test: { type: 'string' },
      'text-field': { type: 'string' },
      'image-field': { type: 'string' },
      'label-field': { type: 'string', default: 'label' },
      strategies: { type: 'string', default: 'random,margin' },
      initial: { type: 'string', default: '20' },
      batch: { type: 'string', default: '50' },
      budget: { type: 'string', default: '500' },
      seeds: { type: 'string', default: '1' },
      out: { type: 'string' },
      'image-model-dir': { type: 'string' },
      'cache-dir': { type: 'string', default: '.sift/cache' },
    },
  });
  if (!values.data || !values.out) throw new Error(USAGE);
  // Checked first: the report is written only after minutes of embedding and fitting.
  assertWritableFile(values.out, '--out');
  const strategies = values.strategies.split(',').map((s) => s.trim()) as Strategy[];
  const unknown = strategies.filter((s) => !(STRATEGIES as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`unknown strategy ${unknown.join(', ')}; choose from ${STRATEGIES.join(', ')}`);
  const numbers = Object.fromEntries((['initial', 'batch', 'budget', 'seeds'] as const).map((k) => [k, positiveInt(k, values[k])]));

  const tensor = await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: (l) => console.error(l) });
  const spec = { textField: values['text-field'], imageField: values['image-field'], labelField: values['label-field'] };
  const data = readDataset({ file: values.data, ...spec });
  const [trainRows, testRows] = values.test ? [data.rows, readDataset({ file: values.test, ...spec }).rows] : stratifiedSplit(data.rows, 0.2);
  const classes = [...new Set(data.rows.map((r) => r.label))].sort();
  const classOf = new Map(classes.map((c, i) => [c, i]));
  const unseen = testRows.find((r) => !classOf.has(r.label));
  if (unseen) throw new Error(`test row ${unseen.index + 1} has label "${unseen.label}", which the training data never uses`);

  const embed = await embedRows([...trainRows, ...testRows], data.kind, { cacheDir: values['cache-dir'], imageModelDir: values['image-model-dir'] ?? process.env.SIFT_IMAGE_MODEL_DIR });
  const split = (rows: LabeledRow[], offset: number): SimulationSplit => ({
    dense: rows.map((_, i) => embed.vectors[offset + i]!),
    texts: data.kind === 'text' ? rows.map((r) => r.input as string) : undefined,
    labels: rows.map((r) => classOf.get(r.label)!),
  });
  console.error(`${trainRows.length} training rows, ${testRows.length} test rows, ${classes.length} classes; encoder ${embed.encoder} on ${tensor.backend}`);
  const report = await simulate(split(trainRows, 0), split(testRows, trainRows.length), classes.length, {
    strategies,
    initial: numbers.initial!,
    batch: numbers.batch!,
    budget: numbers.budget!,
    seeds: numbers.seeds!,
    onProgress: (line) => console.error(line),
  });
  writeFileSync(values.out, JSON.stringify({ encoder: embed.encoder, backend: tensor.backend, ...report }, null, 2));
  printTable(report);
  console.log(`report written to ${values.out}`);
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got "${value}"`);
  return n;
}

/** Holds out `fraction` of each class (at least one row of every class with two or more). */
function stratifiedSplit(rows: LabeledRow[], fraction: number): [LabeledRow[], LabeledRow[]] {
  const random = createRandom(12345);
  const byClass = new Map<string, LabeledRow[]>();
  for (const row of rows) byClass.set(row.label, [...(byClass.get(row.label) ?? []), row]);
  const train: LabeledRow[] = [];
  const test: LabeledRow[] = [];
  for (const group of byClass.values()) {
    shuffle(group, random);
    const n = group.length >= 2 ? Math.max(1, Math.round(group.length * fraction)) : 0;
    test.push(...group.slice(0, n));
    train.push(...group.slice(n));
  }
  return [train, test];
}

function printTable(report: Awaited<ReturnType<typeof simulate>>): void {
  console.log(`full-data accuracy ${report.fullDataAccuracy.toFixed(3)}, macro-F1 ${report.fullDataMacroF1.toFixed(3)}`);
  console.log('strategy          labels→95%   final accuracy');
  for (const [name, { curve }] of Object.entries(report.strategies)) {
    const last = curve[curve.length - 1];
    const reach = report.labelsToReach95[name];
    console.log(`${name.padEnd(18)}${String(reach ?? '—').padStart(10)}   ${last ? `${last.accuracy.toFixed(3)} at ${last.labels}` : '—'}`);
  }
}
