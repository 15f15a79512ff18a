import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertEmbeddings } from '#db/embeddings.ts';
import { replaceRareCandidates } from '#db/explore.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { TEXT_ENCODER_NAME } from '#trainer/ml/encoders/text-encoder.ts';
import { readBanking77 } from '#trainer/ml/encoders/shared-datasets.ts';
import { createTestDeps } from '#test/setup/app.ts';
import { databaseBackends } from '#test/setup/databases.ts';
import { signUpCaller } from '#test/factories/users.ts';
import type { AppDeps } from '#server/deps.ts';

/** Deterministic unit vectors in 512-D. */
function randomVectors(count: number, seed: number): number[][] {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Array.from({ length: count }, () => {
    const v = Array.from({ length: 512 }, next);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

async function seedProject(deps: AppDeps, texts: string[], labels = ['x', 'y']) {
  const owner = await signUpCaller(deps);
  const project = await owner.caller.projects.create({ name: 'Explore', dataType: 'text', labels: labels.map((name) => ({ name })) });
  await owner.caller.models.updateSettings({ projectId: project.id, settings: { trainEveryLabels: 100_000, trainAfterSeconds: 86_400 } });
  const batch = await insertImportBatch(deps.db, { projectId: project.id, createdBy: owner.user.id, fileName: 'e.csv', format: 'csv', rowCount: texts.length });
  const sampleIds = await insertSamples(deps.db, project.id, batch, texts.map((text, i) => ({ text, metadata: {}, contentHash: `explore-${project.id}-${i}` })));
  const view = await owner.caller.projects.get({ projectId: project.id });
  const labelId = (name: string) => view.labels.find((l) => l.name === name)!.id;
  return { caller: owner.caller, userId: owner.user.id, projectId: project.id, sampleIds, labelId };
}

describe.each(databaseBackends())('explore on %s', (backend) => {
  let env: Awaited<ReturnType<typeof createTestDeps>>;
  beforeAll(async () => {
    env = await createTestDeps(backend);
  });
  afterAll(() => env?.close());

  it('returns k filtered neighbours, exactly the nearest ones, even when few samples pass the filter', async () => {
    const { caller, projectId, sampleIds, labelId } = await seedProject(env.deps, Array.from({ length: 800 }, (_, i) => `t${i}`));
    const vectors = randomVectors(sampleIds.length, 11);
    await upsertEmbeddings(env.deps.db, sampleIds.map((sampleId, i) => ({ sampleId, projectId, encoder: TEXT_ENCODER_NAME, vector: vectors[i]! })));
    // 12 samples labeled x (by bulk labeling), spread at random: a selective filter.
    const labeled = sampleIds.filter((_, i) => i % 67 === 5);
    await caller.labeling.annotateMany({ projectId, sampleIds: labeled, labelId: labelId('x') });
    const query = sampleIds[0]!;
    const exact = (pool: number[]) =>
      pool
        .filter((id) => id !== query)
        .map((id) => ({ id, d: 1 - vectors[sampleIds.indexOf(id)]!.reduce((s, x, j) => s + x * vectors[0]![j]!, 0) }))
        .sort((a, b) => a.d - b.d);
    const byLabel = await caller.explore.similar({ projectId, sampleId: query, k: 10, filter: { kind: 'label', labelId: labelId('x') } });
    expect(byLabel.items.map((s) => s.id)).toEqual(exact(labeled).slice(0, 10).map((e) => e.id));
    expect(byLabel.items.every((s) => s.labelId === labelId('x'))).toBe(true);
    const anyLabel = await caller.explore.similar({ projectId, sampleId: query, k: 10, filter: { kind: 'labeled' } });
    expect(anyLabel.items.map((s) => s.id)).toEqual(exact(labeled).slice(0, 10).map((e) => e.id));
    const unlabeled = await caller.explore.similar({ projectId, sampleId: query, k: 10, filter: { kind: 'unlabeled' } });
    expect(unlabeled.items).toHaveLength(10);
    expect(unlabeled.items.every((s) => s.labelId === null)).toBe(true);
    const mine = await caller.explore.similar({ projectId, sampleId: query, k: 50, filter: { kind: 'annotator', userId: (await caller.auth.me())!.id } });
    expect(mine.items.map((s) => s.id).sort((a, b) => a - b)).toEqual(labeled.filter((id) => id !== query).sort((a, b) => a - b));
    await expect(caller.explore.similar({ projectId, sampleId: 999_999, k: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('labels in bulk all or nothing, and serves a rare class queue in candidate order', async () => {
    const { caller, projectId, sampleIds, labelId } = await seedProject(env.deps, ['a', 'b', 'c', 'd', 'e', 'f']);
    await expect(caller.labeling.annotateMany({ projectId, sampleIds: [sampleIds[0]!, 999_999], labelId: labelId('x') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await caller.projects.stats({ projectId })).resolvedCount).toBe(0);
    await caller.labeling.annotateMany({ projectId, sampleIds: [sampleIds[0]!, sampleIds[1]!], labelId: labelId('y') });
    const classes = await caller.explore.classes({ projectId });
    expect(classes.classes.map((c) => [c.name, c.count, c.rare])).toEqual([
      ['x', 0, true],
      ['y', 2, true],
    ]);
    await replaceRareCandidates(env.deps.db, projectId, [5, 3, 4].map((i, rank) => ({ labelId: labelId('y'), sampleId: sampleIds[i]!, rank, score: 1 - rank / 10, probability: null, similarity: 0.5 })));
    expect((await caller.explore.rare({ projectId, labelId: labelId('y') })).items.map((c) => c.id)).toEqual([sampleIds[5], sampleIds[3], sampleIds[4]]);
    const first = await caller.labeling.next({ projectId, rareLabelId: labelId('y') });
    expect(first?.id).toBe(sampleIds[5]);
    await caller.labeling.annotate({ projectId, sampleId: first!.id, labelId: labelId('y'), durationMs: 10 });
    expect((await caller.labeling.next({ projectId, rareLabelId: labelId('y') }))?.id).toBe(sampleIds[3]);
  });

  it('finds samples by meaning from a free-text query, embedded off the event loop', async () => {
    const rows = (await readBanking77('train')).filter((r) => ['card_arrival', 'exchange_rate'].includes(r.category)).slice(0, 60);
    const { caller, projectId, sampleIds } = await seedProject(env.deps, rows.map((r) => r.text));
    const embedded = await env.deps.embedder.embed('text', rows.map((r) => r.text));
    await upsertEmbeddings(env.deps.db, sampleIds.map((sampleId, i) => ({ sampleId, projectId, encoder: embedded.encoder, vector: embedded.vectors[i]! })));
    const found = await caller.explore.search({ projectId, query: { kind: 'text', text: 'my new card still has not been delivered' }, k: 5 });
    const category = (id: number) => rows[sampleIds.indexOf(id)]!.category;
    expect(found.items).toHaveLength(5);
    expect(found.items.filter((s) => category(s.id) === 'card_arrival').length).toBeGreaterThanOrEqual(4);
    await expect(caller.explore.search({ projectId, query: { kind: 'image', base64: 'AAAA' }, k: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.explore.search({ projectId, query: { kind: 'text', text: '   ' }, k: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  }, 60_000);
});
