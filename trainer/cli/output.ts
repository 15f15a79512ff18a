import { accessSync, constants, statSync, type Stats } from 'node:fs';
import path from 'node:path';

/** True when `target` names a folder: it ends with a path separator or is an existing folder. */
export function isFolder(target: string): boolean {
  return /[/\\]$/.test(target) || statOf(target)?.isDirectory() === true;
}

/**
 * Throws, naming `option`, unless files can be created in `folder`. Commands call it before any
 * slow work (a download, embedding, fitting), so a typo in an output path costs nothing.
 */
export function assertWritableFolder(folder: string, option: string): void {
  const stat = statOf(folder);
  if (!stat) throw new Error(`${option}: the folder ${folder} does not exist`);
  if (!stat.isDirectory()) throw new Error(`${option}: ${folder} is not a folder`);
  if (!writable(folder)) throw new Error(`${option}: the folder ${folder} is not writable`);
}

/** Throws, naming `option`, unless `file` can be written: not a folder, in a writable folder, and writable if it exists. */
export function assertWritableFile(file: string, option: string): void {
  if (isFolder(file)) throw new Error(`${option} ${file} is a folder; give a file name`);
  assertWritableFolder(path.dirname(file), option);
  if (statOf(file) && !writable(file)) throw new Error(`${option}: ${file} is not writable`);
}

function statOf(target: string): Stats | undefined {
  try {
    return statSync(target);
  } catch {
    // Missing, or a path through a file (ENOTDIR): either way there is nothing there.
    return undefined;
  }
}

function writable(target: string): boolean {
  try {
    accessSync(target, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
