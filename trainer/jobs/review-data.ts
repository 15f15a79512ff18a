/**
 * What the trainer writes for reviewers and explorers after a version or a re-ranking: suspected
 * mislabels (from the version's out-of-fold probabilities and the labels of nearest labeled
 * neighbours), rare-class candidates, and the 2-D map of the embeddings.
 */
import type { Db } from '#db/client.ts';
import { countSampleMap, replaceRareCandidates, replaceSampleMap, type RareCandidateRow } from '#db/explore.ts';
import { replaceSuspects, type SuspectRow } from '#db/suspects.ts';
import type { ProjectSnapshot } from './load-project.ts';
import type { TrainedVersion } from '../ml/train-version.ts';
import { nearestNeighbors, rankSuspects } from '../ml/mislabels.ts';
import { projectTo2d } from '../ml/projection.ts';
import { rankRareCandidates } from '../ml/rare.ts';

/** Labeled neighbours whose labels vote on each sample. */
const NEIGHBOURS = 10;
/** Besides every flagged suspect, the next most suspicious are kept for "show all". */
const UNFLAGGED_KEPT = 500;
/** Candidates kept per rare class. */
const RARE_CANDIDATES = 200;

/** Ranks the version's labeled samples by how likely their label is wrong and stores the result. */
export async function writeSuspects(db: Db, snapshot: ProjectSnapshot, versionId: number, trained: TrainedVersion): Promise<number> {
  const examples = trained.labeledIndices.map((i) => snapshot.examples[i]!);
  const given = examples.map((e) => e.label!);
  const neighbors = nearestNeighbors(examples.map((e) => e.vector), NEIGHBOURS).map((list) => list.map((j) => given[j]!));
  const ranked = rankSuspects({ given, oof: trained.oof, numClasses: snapshot.labels.length, neighbors });
  let unflagged = 0;
  const rows: SuspectRow[] = ranked
    .filter((s) => s.flagged || unflagged++ < UNFLAGGED_KEPT)
    .map((s, rank) => ({
      sampleId: snapshot.samples[trained.labeledIndices[s.index]!]!.sampleId,
      labelId: snapshot.labels[s.given]!.id,
      suggestedLabelId: snapshot.labels[s.suggested]!.id,
      score: s.score,
      flagged: s.flagged,
      selfConfidence: s.selfConfidence,
      neighborAgreement: s.neighborAgreement,
      rank,
    }));
  await db.transaction().execute((trx) => replaceSuspects(trx, snapshot.project.id, versionId, rows));
  return rows.filter((r) => r.flagged).length;
}

/**
 * Candidates for each rare class (labeled at least once, fewer than the project's threshold):
 * unlabeled samples close to its labeled examples and, with a model, likely to be it.
 */
export async function writeRareCandidates(db: Db, snapshot: ProjectSnapshot, proba: Float32Array[] | undefined): Promise<number[]> {
  const pool = snapshot.examples.flatMap((e, i) => (e.label === null ? [i] : []));
  const counts = new Map<number, number>();
  for (const e of snapshot.examples) if (e.label !== null) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  const rare = snapshot.labels.flatMap((_, c) => {
    const count = counts.get(c) ?? 0;
    return count > 0 && count < snapshot.settings.rareClassThreshold ? [c] : [];
  });
  const poolVectors = pool.map((i) => snapshot.examples[i]!.vector);
  const rows: RareCandidateRow[] = rare.flatMap((c) =>
    rankRareCandidates({
      pool: poolVectors,
      examples: snapshot.examples.filter((e) => e.label === c).map((e) => e.vector),
      probability: proba?.map((p) => p[c]!),
      probabilityRank: proba?.map((p) => p.filter((q) => q > p[c]!).length),
      // "Among the top 3 guesses" says nothing with 3 classes: scale it with the label set.
      topGuesses: Math.max(1, Math.min(3, Math.floor(snapshot.labels.length / 4))),
      limit: RARE_CANDIDATES,
    }).map((candidate, rank) => ({
      labelId: snapshot.labels[c]!.id,
      sampleId: snapshot.samples[pool[candidate.index]!]!.sampleId,
      rank,
      score: candidate.score,
      probability: candidate.probability,
      similarity: candidate.similarity,
    })),
  );
  await db.transaction().execute((trx) => replaceRareCandidates(trx, snapshot.project.id, rows));
  return rare.map((c) => snapshot.labels[c]!.id);
}

/** Recomputes the 2-D map when the set of embedded samples changed since the last one. */
export async function refreshSampleMap(db: Db, snapshot: ProjectSnapshot): Promise<boolean> {
  if ((await countSampleMap(db, snapshot.project.id)) === snapshot.examples.length) return false;
  const points = projectTo2d(snapshot.examples.map((e) => e.vector));
  await db.transaction().execute((trx) =>
    replaceSampleMap(trx, snapshot.project.id, points.map((p, i) => ({ sampleId: snapshot.samples[i]!.sampleId, x: p.x, y: p.y }))),
  );
  return true;
}
