/**
 * `npm run db:backup -- [--out FILE]` and `npm run db:restore -- FILE [--force]`.
 * With DATABASE_URL: pg_dump / pg_restore (custom format, the whole database). Without it: the
 * embedded data directory (`$SIFT_DATA_DIR/pgdata`) as a .tar.gz, which needs the server stopped,
 * since a copy of files in use would be inconsistent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findEmbeddedOwner } from './embedded-lock.ts';

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} failed (exit ${result.status})`);
}

/** Where the backup comes from / goes to: PostgreSQL at `databaseUrl`, else the embedded data dir. */
export interface BackupTarget {
  databaseUrl?: string;
  /** The embedded setup's SIFT_DATA_DIR (the database is its `pgdata/`). */
  dataDir: string;
}

function targetFromEnv(): BackupTarget {
  return { databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.SIFT_DATA_DIR || './.sift' };
}

function refuseIfInUse(dir: string): void {
  const owner = findEmbeddedOwner(dir);
  if (owner !== undefined) throw new Error(`the embedded database ${dir} is in use by process ${owner}: stop the server first`);
}

export function backup(out: string | undefined, { databaseUrl, dataDir }: BackupTarget = targetFromEnv()): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  if (databaseUrl) {
    const file = path.resolve(out ?? `sift-backup-${stamp}.dump`);
    run('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${databaseUrl}`]);
    return file;
  }
  const dir = path.resolve(dataDir, 'pgdata');
  if (!existsSync(dir)) throw new Error(`no embedded database at ${dir} (set SIFT_DATA_DIR, or DATABASE_URL for PostgreSQL)`);
  refuseIfInUse(dir);
  const file = path.resolve(out ?? `sift-backup-${stamp}.tar.gz`);
  run('tar', ['-czf', file, '-C', dir, '.']);
  return file;
}

export function restore(file: string, options: { force: boolean }, { databaseUrl, dataDir }: BackupTarget = targetFromEnv()): void {
  if (!existsSync(file)) throw new Error(`no backup file ${file}`);
  if (databaseUrl) {
    // --clean drops what the backup holds before recreating it; other tables are left alone.
    run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', `--dbname=${databaseUrl}`, file]);
    return;
  }
  const dir = path.resolve(dataDir, 'pgdata');
  refuseIfInUse(dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!options.force) throw new Error(`${dir} is not empty: pass --force to replace it (the current one is kept as ${dir}.before-restore-*)`);
    renameSync(dir, `${dir}.before-restore-${Date.now()}`);
  }
  mkdirSync(dir, { recursive: true });
  run('tar', ['-xzf', path.resolve(file), '-C', dir]);
}

function main(): void {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: 'string' }, force: { type: 'boolean', default: false } } });
  if (command === 'backup') console.log(`backup written to ${backup(values.out)}`);
  else if (command === 'restore' && positionals[0]) {
    restore(positionals[0], { force: values.force });
    console.log(`restored ${positionals[0]}`);
  } else throw new Error('usage: backup-cli.ts backup [--out FILE] | restore FILE [--force]');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (error) {
    console.error(`sift: ${(error as Error).message}`);
    process.exit(1);
  }
}
