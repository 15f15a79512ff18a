/**
 * Words for the team page's agreement figures. Cohen's κ, Fleiss' κ and Krippendorff's α all read
 * on the same scale (1 = perfect, 0 = what chance alone would give), so one set of bands serves all.
 */

/** Landis & Koch (1977): the bands most annotation guides quote. */
const bands: { upTo: number; words: string }[] = [
  { upTo: 0.2, words: 'slight agreement' },
  { upTo: 0.4, words: 'fair agreement' },
  { upTo: 0.6, words: 'moderate agreement' },
  { upTo: 0.8, words: 'substantial agreement' },
  { upTo: Infinity, words: 'almost perfect agreement' },
];

/** "substantial agreement" for 0.7; null when there is no figure yet. */
export function interpretAgreement(value: number | null | undefined): string | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  // Zero (to the two decimals shown) is what chance alone gives; below it people agree less often
  // than chance would have them, a sign of unclear guidelines.
  if (value < -0.005) return 'less than chance';
  if (value < 0.005) return 'no better than chance';
  return bands.find((band) => value <= band.upTo)!.words;
}

/** "0.72", "−0.10"; "—" when the figure is undefined (too few shared samples). */
export function formatAgreement(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(2).replace('-', '−');
}
