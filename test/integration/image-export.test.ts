/**
 * An image project's zip export round-trips: real Fashion-MNIST images go in, some get labeled, the
 * zip comes out over HTTP and goes into a second project with the same bytes, names, metadata and
 * final labels. A text project's zip export round-trips too.
 */
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listZipEntries } from '#server/import/zip.ts';
import { encodeGreyPng, pickPerClass, readFashionMnistTest } from '#trainer/ml/encoders/shared-datasets.ts';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { databaseBackends } from '#test/setup/databases.ts';
import type { TestClient } from '#test/setup/http.ts';
import { signedInClient } from '#test/factories/team.ts';

// Fashion-MNIST label ids of the classes used here.
const CLASSES: Record<number, string> = { 1: 'trouser', 7: 'sneaker', 8: 'bag' };
const LABELS = Object.values(CLASSES).map((name) => ({ name }));
const PER_CLASS = 6;

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe.each(databaseBackends())('image project zip export on %s', (backend) => {
  let app: TestApp;
  let client: TestClient;
  let source: number;
  const images = new Map<string, { name: string; data: Uint8Array }>();
  const path = (projectId: number, query = '?format=zip') => `/api/v1/projects/${projectId}/export${query}`;
  const createProject = async (name: string, labels = LABELS, dataType = 'image') => (await client.mutate<{ id: number }>('projects.create', { name, dataType, labels })).id;
  const importFiles = (projectId: number, files: { name: string; data: Buffer | string }[]) =>
    client.upload(`/api/v1/projects/${projectId}/import`, files.map((f) => ({ ...f, field: 'files' })));
  const exportZip = async (projectId: number, query?: string) => Buffer.from(await (await client.request(path(projectId, query))).arrayBuffer());

  /** Each sample of a project by content hash: its name, metadata, final label and the sha256 of its stored bytes. */
  async function samplesOf(projectId: number) {
    const rows = await app.deps.db
      .selectFrom('sample')
      .innerJoin('sample_image', 'sample_image.sample_id', 'sample.id')
      .leftJoin('resolution', 'resolution.sample_id', 'sample.id')
      .leftJoin('label', 'label.id', 'resolution.label_id')
      .select(['sample.content_hash', 'sample.image_name', 'sample.image_mime', 'sample.metadata', 'sample_image.data', 'label.name as label'])
      .where('sample.project_id', '=', projectId)
      .execute();
    return new Map(rows.map((r) => [r.content_hash, { name: r.image_name, mime: r.image_mime, metadata: r.metadata, label: r.label, bytes: sha256(r.data) }]));
  }

  beforeAll(async () => {
    app = await startTestApp(backend);
    client = await signedInClient(app);
    source = await createProject('Fashion / shoes & bags');
    const fashion = await readFashionMnistTest();
    for (const i of pickPerClass(fashion.labels, PER_CLASS).filter((index) => CLASSES[fashion.labels[index]!] !== undefined)) {
      const data = await encodeGreyPng(fashion.pixels[i]!, fashion.width, fashion.height);
      images.set(sha256(data), { name: `fashion/${CLASSES[fashion.labels[i]!]}/${i}.png`, data });
    }
    // One (unlabeled) sneaker goes up as a loose file, the rest in a zip.
    const loose = [...images.values()].find((image) => image.name.includes('/sneaker/'));
    const zipped = [...images.values()].filter((image) => image !== loose);
    const archive = Buffer.from(zipSync(Object.fromEntries(zipped.map((image) => [image.name, image.data]))));
    const res = await importFiles(source, [{ name: 'loose one.png', data: Buffer.from(loose!.data) }, { name: 'fashion.zip', data: archive }]);
    expect(await res.json()).toMatchObject({ imported: images.size });

    // Label every trouser and half the bags; sneakers stay unlabeled.
    const project = await client.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId: source });
    const labelId = new Map(project.labels.map((l) => [l.name, l.id]));
    const stored = await app.deps.db.selectFrom('sample').select(['id', 'image_name']).where('project_id', '=', source).orderBy('id').execute();
    const named = (kind: string) => stored.filter((s) => s.image_name?.includes(`/${kind}/`)).map((s) => s.id);
    await client.mutate('labeling.annotateMany', { projectId: source, sampleIds: named('trouser'), labelId: labelId.get('trouser') });
    await client.mutate('labeling.annotateMany', { projectId: source, sampleIds: named('bag').slice(0, 3), labelId: labelId.get('bag') });
  }, 120_000);
  afterAll(() => app?.close());

  it('exports the images and samples.jsonl, and imports into a second project with the same bytes, names, metadata and labels', async () => {
    const res = await client.request(path(source));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="sift-fashion-shoes-bags-${source}-\\d{4}-\\d{2}-\\d{2}\\.zip"$`));
    const zip = Buffer.from(await res.arrayBuffer());
    const names = listZipEntries(zip, 'export.zip', 100).map((e) => e.name);
    expect(names).toHaveLength(images.size + 1);
    expect(names.at(-1)).toBe('samples.jsonl');
    expect(names.filter((n) => n.startsWith('images/')).every((n) => /^images\/\d+-[\w.-]+\.png$/.test(n))).toBe(true);

    const copy = await createProject('Copy');
    const imported = await importFiles(copy, [{ name: 'export.zip', data: zip }]);
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({ rows: images.size, imported: images.size, duplicates: 0, labeled: PER_CLASS + 3 });

    const before = await samplesOf(source);
    const after = await samplesOf(copy);
    expect([...after.keys()].sort()).toEqual([...images.keys()].sort());
    for (const [hash, sample] of after) {
      expect(sample.bytes, 'the bytes are the ones imported').toBe(hash);
      expect(sample).toEqual(before.get(hash));
    }
    expect([...after.values()].filter((s) => s.label === 'trouser')).toHaveLength(PER_CLASS);
    expect([...after.values()].find((s) => s.name === 'loose one.png')).toBeDefined();

    const again = await importFiles(copy, [{ name: 'export.zip', data: zip }]);
    expect(await again.json()).toMatchObject({ imported: 0, duplicates: images.size });
  });

  it('applies the filters to the images as well', async () => {
    const zip = await exportZip(source, '?format=zip&label=bag');
    expect(listZipEntries(zip, 'bags.zip', 100).map((e) => e.name).filter((n) => n.startsWith('images/'))).toHaveLength(3);
  });

  it('rejects a zip export whose labels the project lacks, naming the row, and imports nothing', async () => {
    const other = await createProject('No bags', [{ name: 'trouser' }, { name: 'sneaker' }]);
    const res = await importFiles(other, [{ name: 'export.zip', data: await exportZip(source) }]);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toMatch(/^export\.zip\/samples\.jsonl: line \d+: unknown label "bag"; this project's labels are "trouser", "sneaker"/);
    const count = await app.deps.db.selectFrom('sample').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', other).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it("round-trips a text project's zip export (samples.jsonl alone)", async () => {
    const text = await createProject('Texts', [{ name: 'a' }, { name: 'b' }], 'text');
    await client.upload(`/api/v1/projects/${text}/import`, [{ name: 'l.csv', data: 'text,intent\nfirst,a\nsecond,\nthird,b\n' }], { labelField: 'intent' });
    const zip = await exportZip(text);
    expect(listZipEntries(zip, 't.zip', 10).map((e) => e.name)).toEqual(['samples.jsonl']);
    const copy = await createProject('Texts copy', [{ name: 'a' }, { name: 'b' }], 'text');
    const res = await client.upload(`/api/v1/projects/${copy}/import`, [{ name: 'texts.zip', data: zip }]);
    expect(await res.json()).toMatchObject({ imported: 3, labeled: 2 });
  });
});
