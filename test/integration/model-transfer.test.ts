import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateModelVersion, insertModelVersion, listModelVersions } from '#db/models.ts';
import { initTensorBackend } from '#trainer/ml/backend.ts';
import { fitHead } from '#trainer/ml/head.ts';
import { fitLexical } from '#trainer/ml/lexical.ts';
import { packModel } from '#trainer/ml/model-blob.ts';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { TestClient } from '#test/setup/http.ts';
import { buildUser } from '#test/factories/users.ts';
import { signedInClient } from '#test/factories/team.ts';
import { banking77Rows } from '#test/factories/banking77.ts';
import { loadProjectSnapshot } from '#trainer/jobs/load-project.ts';
import type { EncoderPool } from '#trainer/encoder-pool.ts';

const CATEGORIES = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card'];
type Prediction = { label: string | null; probabilities: Record<string, number> };

describe('model export and re-import', () => {
  let app: TestApp;
  let owner: TestClient;
  let annotator: TestClient;
  const ids: Record<'source' | 'target' | 'wrongLabels' | 'images', number> = { source: 0, target: 0, wrongLabels: 0, images: 0 };
  const keys: Record<'sourceExport' | 'sourcePredict' | 'sourceImport' | 'targetImport' | 'targetExportOnly', string> = {} as never;
  let zip: Uint8Array;

  const createProject = async (name: string, labels: string[], dataType: 'text' | 'image' = 'text') =>
    (await owner.mutate<{ id: number }>('projects.create', { name, dataType, labels: labels.map((l) => ({ name: l })) })).id;
  const createKey = async (projectId: number, scopes: string[]) => (await owner.mutate<{ key: string }>('apiKeys.create', { projectId, name: 'k', scopes })).key;
  const importWithKey = (projectId: number, key: string | undefined, data: Uint8Array, name = 'model.zip') => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)]), name);
    return fetch(`${app.baseUrl}/api/v1/projects/${projectId}/models/import`, { method: 'POST', body: form, headers: key ? { authorization: `Bearer ${key}` } : {} });
  };
  const predict = async (projectId: number, key: string, texts: string[]) => {
    const res = await fetch(`${app.baseUrl}/api/v1/projects/${projectId}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ inputs: texts.map((text) => ({ text })) }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { predictions: Prediction[] }).predictions;
  };
  const versionCount = async (projectId: number) => (await listModelVersions(app.deps.db, projectId)).length;
  const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string; message: string } }).error] as const;

  beforeAll(async () => {
    app = await startTestApp(process.env.DATABASE_URL ? 'postgres' : 'pglite', { env: { SIFT_MAX_UPLOAD_MB: '2' } });
    await initTensorBackend({ log: () => undefined });
    owner = await signedInClient(app);
    ids.source = await createProject('Banking intents', CATEGORIES);
    ids.target = await createProject('Banking copy', ['other', ...CATEGORIES.slice().reverse()]);
    ids.wrongLabels = await createProject('Banking partial', CATEGORIES.slice(0, 2).concat('something_else'));
    ids.images = await createProject('Photos', CATEGORIES, 'image');
    const member = buildUser();
    annotator = await signedInClient(app, member);
    for (const projectId of [ids.source, ids.target]) {
      const invite = await owner.mutate<{ token: string }>('projects.invite', { projectId, email: member.email, role: 'annotator' });
      await annotator.mutate('projects.acceptInvite', { token: invite.token });
    }
    keys.sourceExport = await createKey(ids.source, ['export']);
    keys.sourcePredict = await createKey(ids.source, ['predict']);
    keys.sourceImport = await createKey(ids.source, ['import']);
    keys.targetImport = await createKey(ids.target, ['import', 'predict']);
    keys.targetExportOnly = await createKey(ids.target, ['export']);

    // A version trained on real banking77 embeddings (made by the server's own embedder), stored as the trainer stores one.
    const rows = banking77Rows(CATEGORIES, 12);
    const texts = rows.map((r) => r.text);
    const { vectors, encoder } = await app.deps.embedder.embed('text', texts);
    const fit = await fitHead({ dense: vectors, texts }, rows.map((r) => CATEGORIES.indexOf(r.category)), 3, { lexical: fitLexical(texts), l2: 1e-3, inverseTemperature: 1.3 });
    const { labels } = await owner.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId: ids.source });
    const labelIds = CATEGORIES.map((c) => labels.find((l) => l.name === c)!.id);
    const serialized = fit.head.serialize();
    const weights = packModel({ meta: { labelIds, encoder, head: serialized.meta }, weights: serialized.weights });
    await app.deps.db.transaction().execute(async (trx) => {
      const version = await insertModelVersion(trx, { projectId: ids.source, encoder, metrics: { labelIds, crossValidation: { accuracy: 0.95, macroF1: 0.95 } }, weights, labelCount: rows.length, backend: 'cpu', trainMs: 10, triggeredAt: null });
      await activateModelVersion(trx, { projectId: ids.source, versionId: version.id, now: new Date(), promotion: { automatic: true } });
    });
  }, 180_000);
  afterAll(() => app?.close());

  it('exports a version as a zip of the TF.js model, manifest, featurizer and README', async () => {
    const res = await owner.request(`/api/v1/projects/${ids.source}/models/1/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="sift-banking-intents-v1.zip"');
    zip = new Uint8Array(await res.arrayBuffer());
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['README.md', 'featurize.js', 'lexical.json', 'model.json', 'sift-model.json', 'weights.bin']);
    const manifest = JSON.parse(new TextDecoder().decode(files['sift-model.json'])) as Record<string, any>;
    expect(manifest).toMatchObject({ formatVersion: 1, labels: CATEGORIES.map((name, index) => ({ index, name })), encoder: { name: 'use-lite-512' }, metrics: { crossValidation: { accuracy: 0.95 } } });
    expect(manifest.metrics.labelIds).toBeUndefined();
    // With the export-scoped key too; without the scope, with another project's key, or as an annotator: 403.
    expect((await fetch(`${app.baseUrl}/api/v1/projects/${ids.source}/models/1/export`, { headers: { authorization: `Bearer ${keys.sourceExport}` } })).status).toBe(200);
    for (const key of [keys.sourcePredict, keys.targetExportOnly]) {
      expect((await fetch(`${app.baseUrl}/api/v1/projects/${ids.source}/models/1/export`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(403);
    }
    expect((await annotator.request(`/api/v1/projects/${ids.source}/models/1/export`)).status).toBe(403);
    expect((await new TestClient(app.baseUrl).request(`/api/v1/projects/${ids.source}/models/1/export`)).status).toBe(401);
    expect((await errorOf(await owner.request(`/api/v1/projects/${ids.source}/models/7/export`)))[0]).toBe(404);
  });

  it('imports it as a candidate that, once promoted, predicts what the original predicts', async () => {
    const res = await importWithKey(ids.target, keys.targetImport, zip);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ version: 1, status: 'candidate', labels: CATEGORIES });
    const [version] = await listModelVersions(app.deps.db, ids.target);
    expect(version).toMatchObject({ status: 'candidate', backend: 'imported', labelCount: 36, metrics: { crossValidation: { accuracy: 0.95 }, imported: { project: 'Banking intents', version: 1 } } });
    await owner.mutate('models.promote', { projectId: ids.target, versionId: version!.id });

    const texts = banking77Rows(CATEGORIES, 20).slice(12).map((r) => r.text).concat('where is my new card?', 'what rate do you give for euros');
    const [original, copy] = [await predict(ids.source, keys.sourcePredict, texts), await predict(ids.target, keys.targetImport, texts)];
    copy.forEach((p, i) => {
      expect(p.label).toBe(original[i]!.label);
      for (const name of CATEGORIES) expect(p.probabilities[name]).toBeCloseTo(original[i]!.probabilities[name]!, 5);
    });

    // The trainer sees the live imported version too, in this project's label order (`other`
    // first, the rest reversed), so it ranks the queue and is compared at promotion, not ignored.
    const encoders = { nameFor: () => 'use-lite-512' } as unknown as EncoderPool;
    const snapshot = await loadProjectSnapshot(app.deps.db, encoders, ids.target);
    expect(snapshot.active?.version.id).toBe(version!.id);
    const { vectors } = await app.deps.embedder.embed('text', texts);
    const seen = snapshot.active!.head.predictProba({ dense: vectors, texts });
    seen.forEach((row, i) => {
      snapshot.labels.forEach((label, c) => expect(row[c]).toBeCloseTo(copy[i]!.probabilities[label.name] ?? 0, 5));
    });
  });

  it('refuses bad bundles with a 4xx and writes nothing', async () => {
    const files = unzipSync(zip);
    const rezip = (edit: (f: Record<string, Uint8Array>) => void) => {
      const copy = { ...files };
      edit(copy);
      return zipSync(copy);
    };
    const json = (name: string, edit: (value: any) => void) => (f: Record<string, Uint8Array>) => {
      const value = JSON.parse(new TextDecoder().decode(f[name]));
      edit(value);
      f[name] = strToU8(JSON.stringify(value));
    };
    // A well-formed head over 8-dimensional embeddings: consistent in itself, but no encoder here makes 8.
    const narrow = rezip((f) => {
      json('sift-model.json', (m) => {
        m.encoder.dims = 8;
        m.input = { ...m.input, dims: 8, embeddingDims: 8, lexicalDims: 0 };
        m.head = { ...m.head, kind: 'softmax', hidden: 0 };
        m.lexical = null;
      })(f);
      json('model.json', (m) => (m.weightsManifest[0].weights = [{ name: 'logits/kernel', shape: [8, 3], dtype: 'float32' }, { name: 'logits/bias', shape: [3], dtype: 'float32' }]))(f);
      f['weights.bin'] = new Uint8Array(new Float32Array(27).fill(0.1).buffer);
      delete f['lexical.json'];
      delete f['featurize.js'];
    });
    const deep = `${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}`;
    const before = await versionCount(ids.target);
    const cases: [number, Uint8Array, number, RegExp][] = [
      [ids.target, narrow, 400, /this model reads 8-dimensional embeddings; use-lite-512 makes 512/],
      // Values the schema took but the database would not: an integer column, NUL and unpaired surrogates in jsonb, deep nesting.
      [ids.target, rezip(json('sift-model.json', (m) => (m.source.labelCount = 3_000_000_000))), 400, /source\.labelCount/],
      [ids.target, rezip(json('sift-model.json', (m) => (m.metrics.note = 'a\u0000b'))), 400, /sift-model\.json: "metrics\.note" contains a NUL character/],
      [ids.target, rezip(json('sift-model.json', (m) => (m.source.project = '\ud800'))), 400, /sift-model\.json: "source\.project" contains an unpaired UTF-16 surrogate/],
      [ids.target, rezip(json('sift-model.json', (m) => (m.metrics.deep = JSON.parse(deep)))), 400, /"metrics" is nested more than 64 levels deep/],
      [ids.wrongLabels, zip, 400, /"lost_or_stolen_card" are not in this project's label set/],
      [ids.images, zip, 400, /this image project uses mobilenet/],
      [ids.target, rezip(json('model.json', (m) => (m.weightsManifest[0].weights[0].shape[0] = 7))), 400, /do not fit the manifest/],
      [ids.target, rezip((f) => (f['weights.bin'] = f['weights.bin']!.subarray(4))), 400, /weights\.bin/],
      [ids.target, rezip(json('sift-model.json', (m) => (m.formatVersion = 9))), 400, /format version 9/],
      [ids.target, rezip((f) => (f['../evil.js'] = strToU8('x'))), 400, /unsafe path/],
      [ids.target, rezip((f) => (f['notes.txt'] = strToU8('x'))), 400, /unexpected file/],
      [ids.target, rezip((f) => delete f['model.json']), 400, /no model\.json/],
      [ids.target, strToU8('not a zip'), 400, /corrupt zip/],
      // 20 MB of zeros compresses to a few KB but unzips past 8 × the 2 MB upload limit.
      [ids.target, rezip((f) => (f['README.md'] = new Uint8Array(20 * 1024 * 1024))), 413, /unzips to/],
      [ids.target, new Uint8Array(3 * 1024 * 1024).fill(7), 413, /larger than/],
    ];
    for (const [projectId, data, status, message] of cases) {
      const key = projectId === ids.target ? keys.targetImport : undefined;
      const res = key ? await importWithKey(projectId, key, data) : await owner.upload(`/api/v1/projects/${projectId}/models/import`, [{ name: 'model.zip', data: Buffer.from(data) }]);
      const [got, error] = await errorOf(res);
      expect([got, error.message], String(message)).toEqual([status, expect.stringMatching(message)]);
    }
    expect(await versionCount(ids.target)).toBe(before);
    expect(await versionCount(ids.wrongLabels)).toBe(0);
    expect(await versionCount(ids.images)).toBe(0);
  });

  it('lets only leads and keys with the import scope of this project import', async () => {
    const before = await versionCount(ids.target);
    expect((await importWithKey(ids.target, keys.sourceImport, zip)).status).toBe(403);
    expect((await importWithKey(ids.target, keys.targetExportOnly, zip)).status).toBe(403);
    expect((await importWithKey(ids.target, undefined, zip)).status).toBe(401);
    expect((await annotator.upload(`/api/v1/projects/${ids.target}/models/import`, [{ name: 'model.zip', data: Buffer.from(zip) }])).status).toBe(403);
    expect(await versionCount(ids.target)).toBe(before);
    // A lead's session may: the owner here.
    expect((await owner.upload(`/api/v1/projects/${ids.target}/models/import`, [{ name: 'model.zip', data: Buffer.from(zip) }])).status).toBe(201);
    expect(await versionCount(ids.target)).toBe(before + 1);
  });
});
