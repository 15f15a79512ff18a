import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backup, restore } from '#db/backup-cli.ts';
import { createDb } from '#db/client.ts';
import { migrateToLatest } from '#db/migrate.ts';
import { insertProject, listProjectsForUser } from '#db/projects.ts';
import { createScratchDatabase } from '#db/scratch.ts';
import { insertUser } from '#db/users.ts';
import { uniqueName } from '#test/setup/databases.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sift-backup-'));

describe('db:backup and db:restore round trips', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(process.env.DATABASE_URL)('on PostgreSQL (pg_dump / pg_restore)', async () => {
    const handle = await createScratchDatabase({ adminUrl: process.env.DATABASE_URL, name: uniqueName('sift_backup') });
    try {
      const user = await insertUser(handle.db, { email: 'b@example.test', name: 'B', passwordHash: 'x' });
      await insertProject(handle.db, { name: 'Kept', dataType: 'text', createdBy: user.id, labels: [{ name: 'a', shortcut: '1' }] });
      const file = backup(path.join(dir, 'pg.dump'), { databaseUrl: handle.connectionString, dataDir: 'unused' });
      await insertProject(handle.db, { name: 'After the backup', dataType: 'text', createdBy: user.id, labels: [] });
      await handle.db.deleteFrom('project').where('name', '=', 'Kept').execute();
      restore(file, { force: false }, { databaseUrl: handle.connectionString, dataDir: 'unused' });
      expect((await listProjectsForUser(handle.db, user.id)).map((p) => p.name)).toEqual(['Kept']);
    } finally {
      await handle.close();
    }
  }, 60_000);

  it('on the embedded database (a copy of its data directory, only while stopped)', async () => {
    const dataDir = path.join(dir, 'sift');
    const open = () => createDb({ dataDir: path.join(dataDir, 'pgdata') });
    let handle = await open();
    await migrateToLatest(handle.db);
    const user = await insertUser(handle.db, { email: 'e@example.test', name: 'E', passwordHash: 'x' });
    await insertProject(handle.db, { name: 'Kept', dataType: 'text', createdBy: user.id, labels: [] });
    expect(() => backup(path.join(dir, 'live.tar.gz'), { dataDir })).toThrow(/in use by process \d+: stop the server first/);
    await handle.close();

    const file = backup(path.join(dir, 'embedded.tar.gz'), { dataDir });
    handle = await open();
    await insertProject(handle.db, { name: 'After the backup', dataType: 'text', createdBy: user.id, labels: [] });
    await handle.close();
    expect(() => restore(file, { force: false }, { dataDir })).toThrow(/not empty: pass --force/);
    restore(file, { force: true }, { dataDir });
    handle = await open();
    try {
      expect((await listProjectsForUser(handle.db, user.id)).map((p) => p.name)).toEqual(['Kept']);
    } finally {
      await handle.close();
    }
  }, 120_000);
});
