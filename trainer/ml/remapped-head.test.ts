import { describe, expect, it } from 'vitest';
import type { Features, Head } from './head.ts';
import { RemappedHead } from './remapped-head.ts';

/** A head over its own labels that answers the same probabilities for every row. */
function fixedHead(probabilities: number[]): Head {
  return {
    numClasses: probabilities.length,
    kind: 'softmax',
    l2: 0.1,
    predictProba: (features: Features) => features.dense.map(() => Float32Array.from(probabilities)),
    serialize: () => ({ meta: {}, weights: new Uint8Array() }),
  };
}

const rows: Features = { dense: [new Float32Array(2), new Float32Array(2)] };

describe('RemappedHead', () => {
  it("shows a head over another order and a subset of the labels in the project's order, 0 for labels it never knew", () => {
    // Trained elsewhere over [refund 30, card 10]; this project has [card 10, cancel 20, refund 30].
    const head = RemappedHead.fit(fixedHead([0.7, 0.3]), [30, 10], [10, 20, 30])!;
    expect(head.numClasses).toBe(3);
    const [first, second] = head.predictProba(rows).map((p) => [...p].map((x) => Number(x.toFixed(2))));
    expect(first).toEqual([0.3, 0, 0.7]);
    expect(second).toEqual(first);
  });

  it('refuses a head that knows a label the project lacks', () => {
    expect(RemappedHead.fit(fixedHead([0.5, 0.5]), [10, 99], [10, 20])).toBeUndefined();
  });
});
