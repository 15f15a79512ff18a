/**
 * `sift import` and `sift export` as a user runs them: the real CLI process against a running
 * server, with project API keys. A labeled file goes in, the export comes out and goes into a
 * second project with the same labels; wrong keys, missing files and an unreachable server get
 * clear errors and a non-zero exit.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { TestClient } from '#test/setup/http.ts';
import { freePort } from '#test/setup/free-port.ts';
import { buildUser } from '#test/factories/users.ts';
import { banking77Rows } from '#test/factories/banking77.ts';
import { encodePng } from '#test/factories/images.ts';

const CATEGORIES = ['card_arrival', 'exchange_rate'];

function sift(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['trainer/cli/sift.mjs', ...args], { env: { ...process.env, SIFT_API_KEY: '', SIFT_URL: '', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('sift import / export against a running server', () => {
  let app: TestApp;
  let owner: TestClient;
  const dir = mkdtempSync(path.join(tmpdir(), 'sift-cli-'));

  beforeAll(async () => {
    app = await startTestApp(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    owner = new TestClient(app.baseUrl);
    await owner.mutate('auth.signUp', buildUser());
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function projectWithKey(scopes: string[], dataType = 'text') {
    const project = await owner.mutate<{ id: number }>('projects.create', { name: 'Cli', dataType, labels: CATEGORIES.map((name) => ({ name })) });
    const { key } = await owner.mutate<{ key: string }>('apiKeys.create', { projectId: project.id, name: 'cli', scopes });
    return { projectId: project.id, key };
  }
  const finalLabels = async (projectId: number) => {
    const rows = await app.database.db
      .selectFrom('sample')
      .innerJoin('resolution', 'resolution.sample_id', 'sample.id')
      .innerJoin('label', 'label.id', 'resolution.label_id')
      .select(['sample.text', 'label.name'])
      .where('sample.project_id', '=', projectId)
      .execute();
    return new Map(rows.map((r) => [r.text, r.name]));
  };

  it('imports a labeled file and exports it again, into a second project with the same labels', async () => {
    const source = await projectWithKey(['import', 'export']);
    const rows = banking77Rows(CATEGORIES, 15);
    const file = path.join(dir, 'labeled.csv');
    writeFileSync(file, ['text,intent', ...rows.map((r) => `"${r.text.replace(/"/g, '""')}",${r.category}`)].join('\n'));
    const imported = await sift(['import', '--project', String(source.projectId), '--file', file, '--label-field', 'intent', '--server', app.baseUrl, '--key', source.key]);
    expect(imported.stderr).toMatch(/importing labeled\.csv .*done/);
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stdout).toMatch(/30 imported, 0 already there, 30 with labels/);

    const out = path.join(dir, 'out.jsonl');
    const exported = await sift(['export', '--project', String(source.projectId), '--format', 'jsonl', '--resolved', '--out', out], { SIFT_URL: app.baseUrl, SIFT_API_KEY: source.key });
    expect(exported).toMatchObject({ code: 0 });
    expect(exported.stderr).toMatch(/done: .* 30 lines/);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(30);

    const target = await projectWithKey(['import']);
    const again = await sift(['import', '--project', String(target.projectId), '--file', out, '--server', app.baseUrl, '--key', target.key]);
    expect(again.stdout).toMatch(/30 imported, 0 already there, 30 with labels/);
    expect(await finalLabels(target.projectId)).toEqual(await finalLabels(source.projectId));
    expect((await finalLabels(target.projectId)).size).toBe(30);
  }, 120_000);

  it('exports an image project as a zip with the images, which imports into a second project with its labels', async () => {
    const source = await projectWithKey(['import', 'export'], 'image');
    const pngs = [1, 2, 3].map((side) => encodePng(side, side));
    pngs.forEach((png, i) => writeFileSync(path.join(dir, `${i}.png`), png));
    for (const i of [0, 1, 2]) await sift(['import', '--project', String(source.projectId), '--file', path.join(dir, `${i}.png`), '--server', app.baseUrl, '--key', source.key]);
    const project = await owner.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId: source.projectId });
    const ids = await app.database.db.selectFrom('sample').select('id').where('project_id', '=', source.projectId).orderBy('id').execute();
    await owner.mutate('labeling.annotateMany', { projectId: source.projectId, sampleIds: ids.slice(0, 2).map((r) => r.id), labelId: project.labels[1]!.id });

    const out = path.join(dir, 'images.zip');
    const exported = await sift(['export', '--project', String(source.projectId), '--format', 'zip', '--out', out, '--server', app.baseUrl, '--key', source.key]);
    expect(exported).toMatchObject({ code: 0 });
    expect(exported.stderr).toMatch(/done: [\d.]+ [KM]?B$/m);
    const target = await projectWithKey(['import'], 'image');
    const again = await sift(['import', '--project', String(target.projectId), '--file', out, '--server', app.baseUrl, '--key', target.key]);
    expect(again.stdout).toMatch(/3 imported, 0 already there, 2 with labels/);
    expect((await sift(['export', '--project', String(source.projectId), '--format', 'tar', '--key', source.key])).stderr).toMatch(/--format is csv, jsonl or zip/);
  }, 120_000);

  it('checks --out before downloading, puts the file into a folder, and reports write failures in one line', async () => {
    const { projectId, key } = await projectWithKey(['import', 'export']);
    const file = path.join(dir, 'few.csv');
    writeFileSync(file, 'text\nhello\nworld\n');
    await sift(['import', '--project', String(projectId), '--file', file, '--server', app.baseUrl, '--key', key]);
    const base = ['export', '--project', String(projectId), '--key', key];

    // A server that is down proves no request is sent: the folder is checked first.
    const down = `http://127.0.0.1:${await freePort()}`;
    const missing = await sift([...base, '--server', down, '--out', path.join(dir, 'nodir', 'x.csv')]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr.trim().split('\n')).toEqual([`sift: --out: the folder ${path.join(dir, 'nodir')} does not exist`]);
    expect(existsSync(path.join(dir, 'nodir'))).toBe(false);

    const folder = path.join(dir, 'exports');
    mkdirSync(folder);
    expect(await sift([...base, '--server', app.baseUrl, '--out', folder])).toMatchObject({ code: 0 });
    expect(await sift([...base, '--server', app.baseUrl, '--format', 'jsonl', '--out', `${folder}/`])).toMatchObject({ code: 0 });
    const names = readdirSync(folder).sort();
    expect(names).toEqual([expect.stringMatching(new RegExp(`^sift-.*${projectId}.*\\.csv$`)), expect.stringMatching(/\.jsonl$/)]);
    expect(readFileSync(path.join(folder, names[0]!), 'utf8')).toMatch(/hello/);

    // The .part cannot be created (a folder is in its way): one line, exit 1, no crash.
    const blocked = path.join(dir, 'blocked.csv');
    mkdirSync(`${blocked}.part`);
    const failed = await sift([...base, '--server', app.baseUrl, '--out', blocked]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`^sift: cannot write ${blocked.replace(/[.\\]/g, '\\$&')}\\.part: EISDIR`, 'm'));
    expect(failed.stderr).not.toMatch(/broke off|at .*\.ts:\d+/);
    expect(existsSync(blocked)).toBe(false);

    expect((await sift([...base, '--server', 'http://[::1'])).stderr).toMatch(/^sift: --server must be an http\(s\) URL, not "http:\/\/\[::1"$/m);
  }, 120_000);

  it('prints a command\'s usage for --help or -h and exits 0', async () => {
    for (const command of ['import', 'export', 'audit', 'simulate']) {
      const help = await sift([command, '--help']);
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(new RegExp(`^usage: sift ${command} `));
    }
    expect((await sift(['export', '--project', '1', '-h'])).stdout).toMatch(/^usage: sift export /);
    expect(await sift(['--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: sift <command>/) });
  }, 60_000);

  it('says what is wrong: keys, scopes, files, servers', async () => {
    const { projectId, key } = await projectWithKey(['export']);
    const file = path.join(dir, 'plain.csv');
    writeFileSync(file, 'text\nhello\n');
    const base = ['--project', String(projectId), '--server', app.baseUrl];

    const noScope = await sift(['import', ...base, '--file', file, '--key', key]);
    expect(noScope.code).toBe(1);
    expect(noScope.stderr).toMatch(/may not import; it needs a key of this project with the import scope/);
    const wrongKey = await sift(['export', ...base, '--key', 'sift_abcdefgh_0000000000000000000000000000000000000000000']);
    expect(wrongKey.stderr).toMatch(/refused the API key/);
    expect((await sift(['import', ...base, '--file', path.join(dir, 'missing.csv'), '--key', key])).stderr).toMatch(/no such file/);
    expect((await sift(['import', ...base, '--file', file])).stderr).toMatch(/API key with the import scope is needed/);
    writeFileSync(path.join(dir, 'notes.docx'), 'x');
    expect((await sift(['import', ...base, '--file', path.join(dir, 'notes.docx'), '--key', key])).stderr).toMatch(/Sift imports .csv/);
    const port = await freePort();
    const down = await sift(['export', '--project', String(projectId), '--server', `http://127.0.0.1:${port}`, '--key', key]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach Sift at http:\/\/127\.0\.0\.1:\d+ .*is the server running\?/);
    expect((await sift(['export', '--server', app.baseUrl, '--key', key])).stderr).toMatch(/--project needs a project id/);
    // Nothing was imported by any of it.
    const count = await app.database.db.selectFrom('sample').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  }, 120_000);
});
