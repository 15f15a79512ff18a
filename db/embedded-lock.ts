/**
 * Which process has an embedded data directory open: a pid file inside it, written by the PGlite
 * child when it opens the directory and removed when it closes it. Two PGlite instances on one
 * directory would corrupt it, and a backup of a directory in use would be inconsistent.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = '.sift-embedded.pid';

/** The pid of a live process holding `dataDir`, if any (a stale file from a crash does not count). */
export function findEmbeddedOwner(dataDir: string): number | undefined {
  const file = path.join(dataDir, LOCK_FILE);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export function claimEmbeddedDir(dataDir: string): void {
  const owner = findEmbeddedOwner(dataDir);
  if (owner !== undefined && owner !== process.pid) throw new Error(`${dataDir} is in use by process ${owner}: stop it first`);
  writeFileSync(path.join(dataDir, LOCK_FILE), String(process.pid));
}

export function releaseEmbeddedDir(dataDir: string): void {
  if (findEmbeddedOwner(dataDir) === process.pid) rmSync(path.join(dataDir, LOCK_FILE), { force: true });
}
