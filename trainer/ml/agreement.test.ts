import { describe, expect, it } from 'vitest';
import {
  agreementReport,
  cohensKappa,
  fleissKappa,
  krippendorffAlpha,
  pairwiseCohensKappa,
  perCategoryAgreement,
  type Rating,
} from './agreement.ts';

/** Two annotators (ids 0 and 1), one item per [category of 0, category of 1] pair, repeated `times`. */
function twoAnnotators(cells: [categoryA: number, categoryB: number, times: number][], firstItem = 0): Rating[] {
  const ratings: Rating[] = [];
  let item = firstItem;
  for (const [categoryA, categoryB, times] of cells) {
    for (let t = 0; t < times; t += 1, item += 1) {
      ratings.push({ item, annotator: 0, category: categoryA }, { item, annotator: 1, category: categoryB });
    }
  }
  return ratings;
}

/** Ratings from a Fleiss count table: row i, column j holds how many raters put item i in category j. */
function fromCountTable(table: number[][]): Rating[] {
  return table.flatMap((row, item) => {
    let annotator = 0;
    return row.flatMap((count, category) =>
      Array.from({ length: count }, () => ({ item, annotator: annotator++, category })),
    );
  });
}

/** Ratings from a coder × unit matrix, null where the coder left the unit out. */
function fromReliabilityData(rows: (number | null)[][]): Rating[] {
  return rows.flatMap((row, annotator) =>
    row.flatMap((category, item) => (category === null ? [] : [{ item, annotator, category }])),
  );
}

// Wikipedia, "Cohen's kappa", worked example: 50 proposals, 1 = yes, 0 = no.
// p_o = (20 + 15)/50 = 0.7; A says yes 25/50, B says yes 30/50, so p_e = 0.5·0.6 + 0.5·0.4 = 0.5;
// kappa = (0.7 − 0.5)/(1 − 0.5) = 0.4.
const wikipediaCohen = twoAnnotators([
  [1, 1, 20],
  [1, 0, 5],
  [0, 1, 10],
  [0, 0, 15],
]);

// Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters each, 5 categories.
// Column totals 20 28 39 21 32 of 140 give P_e = 0.213; P̄ = 0.378; kappa = 0.210.
const wikipediaFleiss = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
];

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal data with missing
// values: 4 coders, 12 units. Unit 12 has one value and is unpairable, so n = 40 and alpha = 0.743.
const _ = null;
const krippendorff2011 = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
];

// Three categories, two annotators, 10 items: 0 is never confused, 1 and 2 are (A says 1, B says 2) twice.
const threeCategories = twoAnnotators([
  [0, 0, 4],
  [1, 1, 3],
  [1, 2, 2],
  [2, 2, 1],
]);

describe('cohensKappa', () => {
  it('reproduces the Wikipedia worked example', () => {
    const result = cohensKappa(wikipediaCohen, 0, 1);
    expect(result.items).toBe(50);
    expect(result.observed).toBeCloseTo(0.7, 3);
    expect(result.kappa).toBeCloseTo(0.4, 3);
  });

  it('is symmetric in the two annotators', () => {
    expect(cohensKappa(wikipediaCohen, 1, 0).kappa).toBeCloseTo(0.4, 3);
  });

  it('is null with fewer than 2 shared items', () => {
    const ratings = twoAnnotators([[0, 1, 1]]);
    expect(cohensKappa(ratings, 0, 1)).toEqual({ kappa: null, items: 1, observed: 0 });
    expect(cohensKappa(ratings, 0, 7)).toEqual({ kappa: null, items: 0, observed: 0 });
  });
});

describe('pairwiseCohensKappa', () => {
  it('weights the mean by shared items and skips pairs sharing fewer than 2', () => {
    // Pair (0, 1): the Wikipedia example, kappa 0.4 on 50 items. Pair (2, 3): perfect on 10 items.
    // Mean = (0.4·50 + 1·10)/60 = 0.5. Annotator 4 shares one item with 0: no pair.
    const perfect = twoAnnotators(
      [
        [0, 0, 5],
        [1, 1, 5],
      ],
      100,
    ).map((rating) => ({ ...rating, annotator: rating.annotator + 2 }));
    const ratings = [...wikipediaCohen, ...perfect, { item: 0, annotator: 4, category: 1 }];
    const { pairs, mean } = pairwiseCohensKappa(ratings);
    expect(pairs.map(({ a, b, items }) => [a, b, items])).toEqual([
      [0, 1, 50],
      [2, 3, 10],
    ]);
    expect(pairs[0]!.kappa).toBeCloseTo(0.4, 3);
    expect(pairs[1]!.kappa).toBe(1);
    expect(mean).toBeCloseTo(0.5, 3);
  });
});

describe('fleissKappa', () => {
  it('reproduces the Wikipedia worked example', () => {
    const result = fleissKappa(fromCountTable(wikipediaFleiss));
    expect(result.items).toBe(10);
    expect(result.kappa).toBeCloseTo(0.21, 3);
  });

  it('accepts items with different numbers of raters and skips single-rated ones', () => {
    // Item 0: 3 raters all agree (P = 1); item 1: 2 raters disagree (P = 0); item 2: one rating, dropped.
    // p = (3 zeros + 1 zero, 1 one)/5 → (0.8, 0.2), P_e = 0.68, P̄ = 0.5, kappa = (0.5 − 0.68)/0.32 = −0.5625.
    const ratings = fromCountTable([
      [3, 0],
      [1, 1],
      [0, 1],
    ]);
    const result = fleissKappa(ratings);
    expect(result.items).toBe(2);
    expect(result.kappa).toBeCloseTo(-0.5625, 3);
  });
});

describe('krippendorffAlpha', () => {
  it('reproduces the Krippendorff (2011) nominal example with missing values', () => {
    const result = krippendorffAlpha(fromReliabilityData(krippendorff2011));
    expect(result.pairable).toBe(40);
    expect(result.alpha).toBeCloseTo(0.743, 3);
  });
});

describe('perfect agreement', () => {
  it('gives 1 for all three statistics', () => {
    const ratings = fromReliabilityData([
      [0, 1, 2, 0, 1],
      [0, 1, 2, 0, 1],
      [0, 1, 2, 0, _],
    ]);
    expect(pairwiseCohensKappa(ratings).mean).toBe(1);
    expect(fleissKappa(ratings).kappa).toBe(1);
    expect(krippendorffAlpha(ratings).alpha).toBe(1);
  });
});

describe('undefined agreement', () => {
  const allNull = (ratings: Rating[]) => {
    const report = agreementReport(ratings);
    expect([report.cohen, report.fleiss, report.alpha]).toEqual([null, null, null]);
    return report;
  };

  it('is null for one item', () => {
    allNull(fromReliabilityData([[0], [0], [0]]));
    // Krippendorff's alpha stays defined on one unit whose values differ (D_e > 0); the kappas do not.
    const disagreeing = fromReliabilityData([[0], [1]]);
    expect(pairwiseCohensKappa(disagreeing).mean).toBeNull();
    expect(fleissKappa(disagreeing).kappa).toBeNull();
    expect(krippendorffAlpha(disagreeing).alpha).toBeCloseTo(0, 3);
  });

  it('is null for one annotator', () => {
    const report = allNull(fromReliabilityData([[0, 1, 2, 1]]));
    expect(report.pairs).toEqual([]);
    expect(krippendorffAlpha(fromReliabilityData([[0, 1, 2, 1]])).pairable).toBe(0);
  });

  it('is null when everyone always uses the same category', () => {
    const ratings = fromReliabilityData([
      [3, 3, 3],
      [3, 3, 3],
      [3, 3, _],
    ]);
    const report = allNull(ratings);
    expect(report.pairs.every((pair) => pair.kappa === null)).toBe(true);
    expect(report.perCategory).toEqual([{ category: 3, cohen: null, fleiss: null, alpha: null }]);
  });

  it('is null on empty input', () => {
    expect(allNull([])).toMatchObject({ pairs: [], perCategory: [], items: 0, ratings: 0 });
  });
});

describe('perCategoryAgreement', () => {
  it('recodes to category vs the rest', () => {
    // Category 0 is never confused: 1 everywhere.
    expect(perCategoryAgreement(threeCategories, 0)).toEqual({ category: 0, cohen: 1, fleiss: 1, alpha: 1 });
    // Category 1 vs rest: A says 1 on 5 items, B on 3; they agree on 8/10.
    // p_e = 0.5·0.3 + 0.5·0.7 = 0.5, kappa = (0.8 − 0.5)/0.5 = 0.6.
    expect(perCategoryAgreement(threeCategories, 1).cohen).toBeCloseTo(0.6, 3);
    // Category 2 vs rest: A says 2 on 1 item, B on 3; agree on 8/10.
    // p_e = 0.1·0.3 + 0.9·0.7 = 0.66, kappa = 0.14/0.34 = 0.412.
    expect(perCategoryAgreement(threeCategories, 2).cohen).toBeCloseTo(0.14 / 0.34, 3);
  });

  it('matches the overall statistics on binary data', () => {
    const overall = cohensKappa(wikipediaCohen, 0, 1).kappa;
    const yes = perCategoryAgreement(wikipediaCohen, 1);
    expect(yes.cohen).toBeCloseTo(overall!, 3);
    expect(yes.fleiss).toBeCloseTo(fleissKappa(wikipediaCohen).kappa!, 3);
    expect(yes.alpha).toBeCloseTo(krippendorffAlpha(wikipediaCohen).alpha!, 3);
  });
});

describe('agreementReport', () => {
  it('reports overall, pairwise and per-category agreement', () => {
    // Overall: p_o = 0.8; A's proportions (0.4, 0.5, 0.1), B's (0.4, 0.3, 0.3) → p_e = 0.34,
    // kappa = 0.46/0.66 = 0.697.
    const report = agreementReport(threeCategories);
    expect(report.cohen).toBeCloseTo(0.46 / 0.66, 3);
    expect(report.pairs).toHaveLength(1);
    expect(report.fleiss).toBeCloseTo(fleissKappa(threeCategories).kappa!, 3);
    expect(report.alpha).toBeCloseTo(krippendorffAlpha(threeCategories).alpha!, 3);
    expect(report.perCategory.map((entry) => entry.category)).toEqual([0, 1, 2]);
    expect(report).toMatchObject({ items: 10, ratings: 20 });
  });

  it("keeps only an annotator's last rating of an item", () => {
    // Annotator 0 first disagrees on item 0, then changes to agree: perfect agreement, 4 ratings.
    const ratings: Rating[] = [
      { item: 0, annotator: 0, category: 1 },
      { item: 0, annotator: 1, category: 0 },
      { item: 1, annotator: 0, category: 1 },
      { item: 1, annotator: 1, category: 1 },
      { item: 0, annotator: 0, category: 0 },
    ];
    expect(cohensKappa(ratings, 0, 1)).toEqual({ kappa: 1, items: 2, observed: 1 });
    expect(fleissKappa(ratings).kappa).toBe(1);
    expect(krippendorffAlpha(ratings)).toEqual({ alpha: 1, pairable: 4 });
    expect(agreementReport(ratings)).toMatchObject({ cohen: 1, items: 2, ratings: 4 });
  });
});
