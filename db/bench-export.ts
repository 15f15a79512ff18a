/**
 * Seeding for `npm run bench:export` (server/bench/export.ts): a project of `size` text samples
 * written with set-based SQL (seconds, not the import path's minutes). 60% are resolved with two
 * agreeing annotations; the rest are in the queue of an active ModelVersion with a prediction.
 * `seedImageExportBench`: an image project of `size` incompressible images for the zip export.
 */
import { sql } from 'kysely';
import type { Db } from './client.ts';
import { insertApiKey } from './api-keys.ts';
import { insertProject } from './projects.ts';
import { insertUser } from './users.ts';

export async function seedExportBench(db: Db, input: { size: number; keyPrefix: string; keyHash: string }): Promise<{ projectId: number }> {
  const owner = await insertUser(db, { email: 'owner@export.test', name: 'Owner', passwordHash: 'x' });
  const second = await insertUser(db, { email: 'second@export.test', name: 'Second "Annotator", Jr.', passwordHash: 'x' });
  const labels = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'top_up_failed', 'pin_blocked'].map((name) => ({ name, shortcut: null }));
  const project = await insertProject(db, { name: 'Export bench', dataType: 'text', createdBy: owner.id, labels });
  const p = project.id;
  await sql`insert into sample (project_id, text, metadata, content_hash)
    select ${p}, 'sample ' || g || ', about "' || md5(g::text) || '"', jsonb_build_object('row', g, 'source', 'bench'), md5('s' || g)
    from generate_series(1, ${input.size}) g`.execute(db);
  const labelIds = sql`(select array_agg(id order by position) from label where project_id = ${p})`;
  await sql`insert into annotation (project_id, sample_id, user_id, label_id, duration_ms)
    select ${p}, s.id, u.id, (${labelIds})[1 + s.id % 5], 500 + s.id % 3000
    from sample s cross join (values (${owner.id}::int), (${second.id}::int)) u(id)
    where s.project_id = ${p} and s.id % 5 < 3`.execute(db);
  await sql`insert into resolution (sample_id, project_id, label_id, method)
    select s.id, ${p}, (${labelIds})[1 + s.id % 5], 'agreement' from sample s where s.project_id = ${p} and s.id % 5 < 3`.execute(db);
  const version = await sql<{ id: number }>`insert into model_version (project_id, version, status, encoder) values (${p}, 1, 'active', 'bench') returning id`.execute(db);
  await sql`insert into sample_score (sample_id, project_id, model_version_id, strategy, rank, predicted_label_id, confidence, updated_at)
    select s.id, ${p}, ${version.rows[0]!.id}, 'margin', row_number() over (order by s.id), (${labelIds})[1 + s.id % 5], 0.5 + (s.id % 50) / 100.0, now()
    from sample s where s.project_id = ${p} and s.id % 5 >= 3`.execute(db);
  await insertApiKey(db, { projectId: p, name: 'bench', prefix: input.keyPrefix, keyHash: input.keyHash, scopes: ['export'], createdBy: owner.id });
  await sql`analyze`.execute(db);
  return { projectId: p };
}

/**
 * An image project of `size` samples, each `imageBytes` of pseudo-random (incompressible, like real
 * PNGs and JPEGs) bytes, 60% resolved with one annotation; and an export-scoped API key.
 */
export async function seedImageExportBench(db: Db, input: { size: number; imageBytes: number; keyPrefix: string; keyHash: string }): Promise<{ projectId: number }> {
  const owner = await insertUser(db, { email: 'owner@image-export.test', name: 'Owner', passwordHash: 'x' });
  const labels = ['trouser', 'sneaker', 'bag'].map((name) => ({ name, shortcut: null }));
  const project = await insertProject(db, { name: 'Image export bench', dataType: 'image', createdBy: owner.id, labels });
  const p = project.id;
  const md5s = Math.ceil(input.imageBytes / 16);
  await sql`insert into sample (project_id, image_name, image_mime, metadata, content_hash)
    select ${p}, 'bench/' || g || '.png', 'image/png', jsonb_build_object('row', g), md5('i' || g) from generate_series(1, ${input.size}) g`.execute(db);
  await sql`insert into sample_image (sample_id, data)
    select s.id, substring(decode((select string_agg(md5(s.id || '-' || i), '') from generate_series(1, ${md5s}) i), 'hex') from 1 for ${input.imageBytes})
    from sample s where s.project_id = ${p}`.execute(db);
  const labelIds = sql`(select array_agg(id order by position) from label where project_id = ${p})`;
  await sql`insert into annotation (project_id, sample_id, user_id, label_id, duration_ms)
    select ${p}, s.id, ${owner.id}, (${labelIds})[1 + s.id % 3], 700 from sample s where s.project_id = ${p} and s.id % 5 < 3`.execute(db);
  await sql`insert into resolution (sample_id, project_id, label_id, method)
    select s.id, ${p}, (${labelIds})[1 + s.id % 3], 'single' from sample s where s.project_id = ${p} and s.id % 5 < 3`.execute(db);
  await insertApiKey(db, { projectId: p, name: 'bench', prefix: input.keyPrefix, keyHash: input.keyHash, scopes: ['export'], createdBy: owner.id });
  await sql`analyze`.execute(db);
  return { projectId: p };
}
