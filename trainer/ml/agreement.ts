/**
 * Inter-annotator agreement for the team page: Cohen's kappa (per pair of annotators), Fleiss'
 * kappa and Krippendorff's alpha (nominal), overall and per category.
 *
 * Every statistic first reduces the ratings to one category per (item, annotator). When an
 * annotator rated the same item more than once, only their last rating in array order counts:
 * a later Annotation replaces an earlier one, it is not a second vote, and counting both would
 * let one person agree with themselves.
 *
 * Undefined statistics are `null` rather than NaN or a made-up 0, so the page can show "—"
 * instead of a number nobody can interpret.
 */

/** One annotation: which annotator gave which category to which item. Categories and annotators are opaque ids. */
export interface Rating {
  item: number;
  annotator: number;
  category: number;
}

/** item → annotator → category, after duplicates have been dropped. */
type Index = Map<number, Map<number, number>>;

function indexRatings(ratings: Rating[]): Index {
  const index: Index = new Map();
  for (const { item, annotator, category } of ratings) {
    let byAnnotator = index.get(item);
    if (!byAnnotator) index.set(item, (byAnnotator = new Map()));
    // Overwriting keeps the annotator's last word on the item (see the module comment).
    byAnnotator.set(annotator, category);
  }
  return index;
}

function increment(counts: Map<number, number>, key: number, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

function countValues(values: Iterable<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const value of values) increment(counts, value);
  return counts;
}

function kappaFromIndex(index: Index, a: number, b: number) {
  const countsA = new Map<number, number>();
  const countsB = new Map<number, number>();
  let items = 0;
  let agreed = 0;
  for (const byAnnotator of index.values()) {
    const ca = byAnnotator.get(a);
    const cb = byAnnotator.get(b);
    if (ca === undefined || cb === undefined) continue;
    items += 1;
    if (ca === cb) agreed += 1;
    increment(countsA, ca);
    increment(countsB, cb);
  }
  const observed = items ? agreed / items : 0;
  if (items < 2) return { kappa: null, items, observed };
  // Chance agreement from each annotator's own category proportions on the shared items.
  let expected = 0;
  for (const [category, n] of countsA) expected += (n / items) * ((countsB.get(category) ?? 0) / items);
  // Only both annotators using one and the same category gives exactly 1, and then (1 − 1)/(1 − 1).
  if (expected === 1) return { kappa: null, items, observed };
  return { kappa: (observed - expected) / (1 - expected), items, observed };
}

/**
 * Cohen's kappa between annotators `a` and `b` on the items both rated: (p_o − p_e) / (1 − p_e),
 * with p_e from each annotator's own category proportions on those items.
 *
 * `kappa` is null when they share fewer than 2 items (one item says nothing about agreement beyond
 * chance) or when expected agreement is 1, i.e. both used a single, identical category: kappa is
 * then 0/0, since agreement could not have been anything but perfect. `observed` is the raw share
 * of shared items on which they agree (0 when they share none).
 */
export function cohensKappa(
  ratings: Rating[],
  a: number,
  b: number,
): { kappa: number | null; items: number; observed: number } {
  return kappaFromIndex(indexRatings(ratings), a, b);
}

/**
 * Cohen's kappa for every pair of annotators that share ≥ 2 items (ordered by `a`, then `b`, with
 * `a < b`), plus the mean over pairs weighted by shared items, so that a pair that overlapped on
 * two items does not count as much as one that overlapped on two hundred. Pairs whose kappa is
 * null stay in `pairs` but are left out of `mean`; `mean` is null when no pair has a kappa.
 */
export function pairwiseCohensKappa(ratings: Rating[]): {
  pairs: { a: number; b: number; kappa: number | null; items: number }[];
  mean: number | null;
} {
  const index = indexRatings(ratings);
  const shared = new Map<number, Map<number, number>>();
  for (const byAnnotator of index.values()) {
    const annotators = [...byAnnotator.keys()].sort((x, y) => x - y);
    annotators.forEach((a, i) => {
      let withA = shared.get(a);
      if (!withA) shared.set(a, (withA = new Map()));
      for (const b of annotators.slice(i + 1)) increment(withA, b);
    });
  }
  const pairs: { a: number; b: number; kappa: number | null; items: number }[] = [];
  for (const a of [...shared.keys()].sort((x, y) => x - y)) {
    const withA = shared.get(a)!;
    for (const b of [...withA.keys()].sort((x, y) => x - y)) {
      if (withA.get(b)! < 2) continue;
      const { kappa, items } = kappaFromIndex(index, a, b);
      pairs.push({ a, b, kappa, items });
    }
  }
  let weighted = 0;
  let weight = 0;
  for (const { kappa, items } of pairs) {
    if (kappa === null) continue;
    weighted += kappa * items;
    weight += items;
  }
  return { pairs, mean: weight ? weighted / weight : null };
}

/**
 * Fleiss' kappa over the items with at least 2 ratings. Items may have different numbers of
 * raters, so this is the generalised form: P_i = Σ_j n_ij(n_ij − 1) / (n_i(n_i − 1)) per item,
 * P̄ their mean, p_j the share of category j among all ratings of the included items,
 * P_e = Σ_j p_j², kappa = (P̄ − P_e) / (1 − P_e).
 *
 * `kappa` is null with fewer than 2 such items, or when P_e is 1 (every rating in one category,
 * so agreement beyond chance is 0/0). `items` is the number of items included.
 */
export function fleissKappa(ratings: Rating[]): { kappa: number | null; items: number } {
  const categoryTotals = new Map<number, number>();
  let items = 0;
  let ratingCount = 0;
  let sumAgreement = 0;
  for (const byAnnotator of indexRatings(ratings).values()) {
    const n = byAnnotator.size;
    if (n < 2) continue;
    // Share of the n(n − 1) ordered pairs of this item's raters that agree.
    let agreeingPairs = 0;
    for (const [category, count] of countValues(byAnnotator.values())) {
      agreeingPairs += count * (count - 1);
      increment(categoryTotals, category, count);
    }
    sumAgreement += agreeingPairs / (n * (n - 1));
    items += 1;
    ratingCount += n;
  }
  if (items < 2) return { kappa: null, items };
  let expected = 0;
  for (const total of categoryTotals.values()) expected += (total / ratingCount) ** 2;
  if (expected === 1) return { kappa: null, items };
  return { kappa: (sumAgreement / items - expected) / (1 - expected), items };
}

/**
 * Krippendorff's alpha with the nominal metric. Missing data is the normal case: an item rated by
 * one annotator has no value to pair with, so it is dropped; every other item contributes all
 * its values. Built on the coincidence matrix o_ck = Σ_u (ordered c–k value pairs in unit u) / (m_u − 1),
 * with n_c = Σ_k o_ck and n = Σ_c n_c:
 * alpha = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k.
 *
 * `alpha` is null with fewer than 2 pairable values, or when expected disagreement D_e is 0 (every
 * pairable value in one category: nothing to disagree about, so alpha is 0/0). `pairable` is n.
 */
export function krippendorffAlpha(ratings: Rating[]): { alpha: number | null; pairable: number } {
  const categoryTotals = new Map<number, number>();
  let pairable = 0;
  let offDiagonal = 0;
  for (const byAnnotator of indexRatings(ratings).values()) {
    const m = byAnnotator.size;
    if (m < 2) continue;
    // Unit u adds n_uc·n_uk/(m_u − 1) to o_ck for each c ≠ k; over all c ≠ k that sums to
    // (m_u² − Σ_c n_uc²)/(m_u − 1), so the full matrix never needs to be built.
    let sumSquares = 0;
    for (const [category, count] of countValues(byAnnotator.values())) {
      sumSquares += count * count;
      increment(categoryTotals, category, count);
    }
    offDiagonal += (m * m - sumSquares) / (m - 1);
    pairable += m;
  }
  if (pairable < 2) return { alpha: null, pairable };
  // Σ_{c≠k} n_c·n_k = n² − Σ_c n_c², in integers, so "one category only" is exactly 0.
  let sumSquares = 0;
  for (const total of categoryTotals.values()) sumSquares += total * total;
  const expectedDisagreement = pairable * pairable - sumSquares;
  if (expectedDisagreement === 0) return { alpha: null, pairable };
  return { alpha: 1 - ((pairable - 1) * offDiagonal) / expectedDisagreement, pairable };
}

/**
 * Agreement on one category: ratings recoded to 1 (this category) or 0 (any other), then the
 * pairwise Cohen mean, Fleiss' kappa and Krippendorff's alpha of that binary data. Shows which
 * Labels annotators confuse, which the overall figures average away.
 */
export function perCategoryAgreement(
  ratings: Rating[],
  category: number,
): { category: number; cohen: number | null; fleiss: number | null; alpha: number | null } {
  const recoded = ratings.map((rating) => ({ ...rating, category: rating.category === category ? 1 : 0 }));
  return {
    category,
    cohen: pairwiseCohensKappa(recoded).mean,
    fleiss: fleissKappa(recoded).kappa,
    alpha: krippendorffAlpha(recoded).alpha,
  };
}

/**
 * Everything a team page shows, in one call: overall Cohen (the weighted pairwise mean) with its
 * pairs, Fleiss' kappa, Krippendorff's alpha and {@link perCategoryAgreement} for each category
 * present, in ascending order. `items` and `ratings` count distinct items and ratings after
 * duplicates are dropped, and "present" means present after that too.
 */
export function agreementReport(ratings: Rating[]): {
  cohen: number | null;
  pairs: { a: number; b: number; kappa: number | null; items: number }[];
  fleiss: number | null;
  alpha: number | null;
  perCategory: ReturnType<typeof perCategoryAgreement>[];
  items: number;
  ratings: number;
} {
  const index = indexRatings(ratings);
  const kept: Rating[] = [];
  for (const [item, byAnnotator] of index) {
    for (const [annotator, category] of byAnnotator) kept.push({ item, annotator, category });
  }
  const categories = [...new Set(kept.map((rating) => rating.category))].sort((x, y) => x - y);
  const { pairs, mean } = pairwiseCohensKappa(kept);
  return {
    cohen: mean,
    pairs,
    fleiss: fleissKappa(kept).kappa,
    alpha: krippendorffAlpha(kept).alpha,
    perCategory: categories.map((category) => perCategoryAgreement(kept, category)),
    items: index.size,
    ratings: kept.length,
  };
}
