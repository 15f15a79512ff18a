import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProjectsAwaitingEmbedding, findSamplesMissingEmbedding } from '#db/embeddings.ts';
import { activateModelVersion, insertModelVersion } from '#db/models.ts';
import { insertSampleRows } from '#db/samples.ts';
import type { SiftEvent } from '#trainer/jobs/events.ts';
import { requestEmbedding } from '#trainer/jobs/triggers.ts';
import { startTrainerWorkers } from '#trainer/workers.ts';
import { createEncoderPool } from '#trainer/encoder-pool.ts';
import { initTensorBackend } from '#trainer/ml/backend.ts';
import { IMAGE_ENCODER_NAME } from '#trainer/ml/encoders/image-encoder.ts';
import { SHARED_IMAGE_MODEL_DIR } from '#trainer/ml/encoders/shared-datasets.ts';
import { fitHead } from '#trainer/ml/head.ts';
import { packModel } from '#trainer/ml/model-blob.ts';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { signedInClient } from '#test/factories/team.ts';
import type { TestClient } from '#test/setup/http.ts';
import { waitFor } from '#test/setup/wait.ts';

/** A colour PNG the encoder reads. */
const png = (background: string) => sharp({ create: { width: 40, height: 30, channels: 3, background } }).png().toBuffer();
/** A PNG signature and IHDR (33 bytes, so the header reads fine), then garbage instead of pixels. */
const truncate = (image: Buffer) => Buffer.concat([image.subarray(0, 33), Buffer.alloc(48, 0x5a)]);
const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string; message: string } }).error] as const;

/**
 * An image whose header reads but whose pixels do not decode: refused at import (400 naming the
 * file); set aside by the embed job when one is in the database anyway (the others still get
 * embedded, and it is recorded and reported); refused by prediction and image search with 400
 * naming the input, not 503.
 */
describe('images that do not decode', () => {
  let app: TestApp;
  let owner: TestClient;
  const events: SiftEvent[] = [];
  let good: Buffer[];
  let broken: Buffer;

  const createProject = async (name: string) =>
    (await owner.mutate<{ id: number }>('projects.create', { name, dataType: 'image', labels: [{ name: 'warm' }, { name: 'cool' }] })).id;

  beforeAll(async () => {
    app = await startTestApp(process.env.DATABASE_URL ? 'postgres' : 'pglite', { env: { SIFT_IMAGE_MODEL_DIR: SHARED_IMAGE_MODEL_DIR } });
    const tensor = await initTensorBackend({ log: () => undefined });
    await startTrainerWorkers({ db: app.deps.db, jobs: app.deps.jobs, bus: app.deps.bus, encoders: createEncoderPool({ imageModelDir: SHARED_IMAGE_MODEL_DIR }), backend: () => tensor.backend });
    app.deps.bus.subscribe((event) => events.push(event));
    owner = await signedInClient(app);
    good = await Promise.all(['#d22', '#e83', '#fc2', '#22d', '#2bd', '#2d6'].map(png));
    broken = truncate(good[0]!);
  }, 120_000);
  afterAll(() => app?.close());

  it('refuses an import holding one, naming the file, and imports nothing', async () => {
    const projectId = await createProject('Import');
    const files = [good[0]!, broken, good[1]!].map((data, i) => ({ name: ['first.png', 'truncated.png', 'last.png'][i]!, data }));
    const [status, error] = await errorOf(await owner.upload(`/api/v1/projects/${projectId}/import`, files));
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: 'INVALID', message: expect.stringMatching(/^truncated\.png: the image could not be decoded \(.+\)$/) });
    expect(await app.deps.db.selectFrom('sample').select('id').where('project_id', '=', projectId).execute()).toEqual([]);
  });

  it('embeds the other samples when one in the database does not decode, and records and reports it', async () => {
    const projectId = await createProject('Embedding');
    // Straight into the database, as an import before this check would have put it: the broken
    // image first, so it sits in the first batch the embed job takes.
    const samples = [{ name: 'broken.png', data: broken }, ...good.slice(0, 3).map((data, i) => ({ name: `good${i}.png`, data }))];
    const inserted = await insertSampleRows(
      app.deps.db,
      projectId,
      null,
      samples.map(({ name, data }) => ({ image: { name, mime: 'image/png', data }, metadata: {}, contentHash: createHash('sha256').update(data).digest('hex') })),
    );
    const brokenId = inserted[0]!.id;
    await requestEmbedding(app.deps.jobs, projectId);
    const completed = await waitFor(() => events.find((e) => e.type === 'embed.completed' && e.projectId === projectId), 60_000, 'embed.completed');
    expect(completed.data).toMatchObject({ total: 4, embedded: 3, failed: 1, unreadable: [{ sampleId: brokenId, name: 'broken.png' }] });

    const embedded = await app.deps.db.selectFrom('embedding').select('sample_id').where('project_id', '=', projectId).orderBy('sample_id').execute();
    expect(embedded.map((r) => r.sample_id)).toEqual(inserted.slice(1).map((s) => s.id));
    const failures = await app.deps.db.selectFrom('embedding_failure').selectAll().where('project_id', '=', projectId).execute();
    expect(failures).toEqual([expect.objectContaining({ sample_id: brokenId, encoder: IMAGE_ENCODER_NAME, error: expect.stringMatching(/\S/) })]);
    // Never retried: no job picks it up again, and the overview counts it as done, by name.
    expect(await findSamplesMissingEmbedding(app.deps.db, projectId, IMAGE_ENCODER_NAME, 10)).toEqual([]);
    expect(await findProjectsAwaitingEmbedding(app.deps.db, 'image', IMAGE_ENCODER_NAME)).not.toContain(projectId);
    const status = await owner.query<{ embedding: unknown }>('models.status', { projectId });
    expect(status.embedding).toEqual({ total: 4, embedded: 3, failed: 1, unreadable: [{ sampleId: brokenId, name: 'broken.png' }] });
    // "More like this" on it says why it has no neighbours, rather than "wait for the import".
    await expect(owner.query('explore.similar', { projectId, sampleId: brokenId, k: 3 })).rejects.toThrow(/could not be read as an image/);
  });

  describe('with a live model', () => {
    let projectId: number;
    let key: string;

    beforeAll(async () => {
      projectId = await createProject('Serving');
      // A version trained on the server's own embeddings of warm and cool colours, stored as the trainer stores one.
      const { vectors, encoder } = await app.deps.embedder.embed('image', good.map((b) => new Uint8Array(b)));
      const fit = await fitHead({ dense: vectors }, [0, 0, 0, 1, 1, 1], 2);
      const { labels } = await owner.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId });
      const labelIds = ['warm', 'cool'].map((name) => labels.find((l) => l.name === name)!.id);
      const serialized = fit.head.serialize();
      const weights = packModel({ meta: { labelIds, encoder, head: serialized.meta }, weights: serialized.weights });
      await app.deps.db.transaction().execute(async (trx) => {
        const version = await insertModelVersion(trx, { projectId, encoder, metrics: { labelIds }, weights, labelCount: 6, backend: 'cpu', trainMs: 1, triggeredAt: null });
        await activateModelVersion(trx, { projectId, versionId: version.id, now: new Date(), promotion: { automatic: true } });
      });
      key = (await owner.mutate<{ key: string }>('apiKeys.create', { projectId, name: 'tests' })).key;
    }, 60_000);

    const predict = (images: Buffer[]) =>
      fetch(`${app.baseUrl}/api/v1/projects/${projectId}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ inputs: images.map((b) => ({ image: b.toString('base64') })) }),
      });

    it('answers a prediction with one among good ones with 400 naming that input, and keeps serving', async () => {
      const [status, error] = await errorOf(await predict([good[0]!, good[4]!, broken, good[2]!]));
      expect(status).toBe(400);
      expect(error).toMatchObject({ code: 'INVALID', message: expect.stringMatching(/^inputs\[2\]: not a decodable image \(.+\)$/) });
      // Two at once, in separate requests batched together by the encoder thread: each names its own.
      const [a, b] = await Promise.all([predict([broken, good[1]!]), predict([good[3]!, good[5]!, truncate(good[5]!)])]);
      expect((await errorOf(a))[1].message).toMatch(/^inputs\[0\]: not a decodable image/);
      expect((await errorOf(b))[1].message).toMatch(/^inputs\[2\]: not a decodable image/);
      const ok = await predict([good[0]!, good[3]!]);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { predictions: { label: string }[] }).predictions.map((p) => p.label)).toEqual(['warm', 'cool']);
    });

    it('answers an image search with one with BAD_REQUEST, not SERVICE_UNAVAILABLE', async () => {
      const search = (image: Buffer) => owner.mutate('explore.search', { projectId, query: { kind: 'image', base64: image.toString('base64') } });
      await expect(search(broken)).rejects.toThrow(/\(400\): the image: not a decodable image/);
      await expect(search(Buffer.from('not an image at all'))).rejects.toThrow(/\(400\): the image is not a PNG, JPEG, GIF or WebP image/);
      await expect(search(good[1]!)).resolves.toMatchObject({ items: expect.any(Array) });
    });
  });
});
