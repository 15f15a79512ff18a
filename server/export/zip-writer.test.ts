import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeCrc32 } from '../import/crc32.ts';
import { inflateZipEntry, listZipEntries } from '../import/zip.ts';
import { ZipWriter, type ZipFieldLimits } from './zip-writer.ts';

const modified = new Date('2026-12-03T10:20:30Z');

/** The whole zip in memory, sent in the order the export sends it. */
function writeZip(files: Record<string, Uint8Array>, limits?: ZipFieldLimits): Buffer {
  const zip = new ZipWriter({ modified, limits });
  const parts: Uint8Array[] = [];
  const central: Buffer[] = [];
  for (const [name, data] of Object.entries(files)) {
    const entry = zip.addEntry({ name, size: data.length, crc32: computeCrc32(data) });
    parts.push(entry.header, data);
    central.push(entry.central);
  }
  return Buffer.concat([...parts, ...central, zip.end()]);
}

function readBack(data: Buffer): Record<string, string> {
  const entries = listZipEntries(data, 't.zip', 100_000);
  return Object.fromEntries(entries.map((e) => [e.name, inflateZipEntry(data, e, e.name).toString('latin1')]));
}

const bytes = (text: string) => Buffer.from(text, 'latin1');
const files = {
  'samples.jsonl': bytes('{"id":1}\n'.repeat(20)),
  'images/1-cat.png': bytes('\x89PNG fake bytes '.repeat(10)),
  'images/2-naïve café.png': bytes('x'),
  'empty.txt': bytes(''),
};
const expected = Object.fromEntries(Object.entries(files).map(([name, data]) => [name, data.toString('latin1')]));

const dir = mkdtempSync(path.join(tmpdir(), 'sift-zip-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function saved(name: string, data: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}

// Python's zipfile checks CRCs (testzip) and reads every entry back; prints name and size per entry.
const PYTHON_CHECK = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    assert bad is None, bad
    names = z.namelist()
    print(len(names), sum(len(z.read(n)) for n in names[:50]), names[1] if len(names) > 1 else '')
`;
const hasPython = spawnSync('python3', ['-c', 'import zipfile'], { stdio: 'ignore' }).status === 0;
const hasUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;
const python = (file: string) => execFileSync('python3', ['-c', PYTHON_CHECK, file], { encoding: 'utf8' }).trim();
const unzipTest = (file: string) => execFileSync('unzip', ['-tqq', file], { encoding: 'utf8' });

describe('ZipWriter', () => {
  it('writes stored entries the import reader reads back, names in UTF-8', () => {
    const zip = writeZip(files);
    expect(readBack(zip)).toEqual(expected);
    const entries = listZipEntries(zip, 't.zip', 10);
    expect(entries.map((e) => [e.method, e.flags & 0x0800])).toEqual(entries.map(() => [0, 0x0800]));
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false);
  });

  it('writes Zip64 sizes, offsets and end records when fields overflow (limits lowered to force it)', () => {
    const zip = writeZip(files, { u16: 3, u32: 64 });
    // The zip64 end record and its locator are there, and the classic end record is saturated.
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true);
    expect(zip.readUInt16LE(zip.length - 12)).toBe(0xffff);
    const entries = listZipEntries(zip, 't.zip', 10);
    expect(entries.map((e) => e.size)).toEqual(Object.values(files).map((f) => f.length));
    expect(entries.at(-1)!.localOffset).toBeGreaterThan(64);
    expect(readBack(zip)).toEqual(expected);
  });

  it.runIf(hasPython)("passes Python's zipfile checks, classic and Zip64", () => {
    const total = Object.values(files).reduce((sum, f) => sum + f.length, 0);
    expect(python(saved('classic.zip', writeZip(files)))).toBe(`4 ${total} images/1-cat.png`);
    expect(python(saved('zip64.zip', writeZip(files, { u16: 3, u32: 64 })))).toBe(`4 ${total} images/1-cat.png`);
  });

  it.runIf(hasUnzip)('passes unzip -t, classic and Zip64', () => {
    expect(() => unzipTest(saved('classic-u.zip', writeZip(files)))).not.toThrow();
    expect(() => unzipTest(saved('zip64-u.zip', writeZip(files, { u16: 3, u32: 64 })))).not.toThrow();
  });

  it('holds more than 65,535 entries', () => {
    const many = Object.fromEntries(Array.from({ length: 65_540 }, (_, i) => [`images/${i}.txt`, bytes(String(i % 10))]));
    const zip = writeZip(many);
    expect(zip.readUInt16LE(zip.length - 12)).toBe(0xffff);
    const entries = listZipEntries(zip, 't.zip', 70_000);
    expect(entries).toHaveLength(65_540);
    expect(inflateZipEntry(zip, entries[65_539]!, 'last').toString()).toBe('9');
    if (hasPython) expect(python(saved('many.zip', zip))).toBe('65540 50 images/1.txt');
  });

  it('refuses an empty or oversized entry name', () => {
    const zip = new ZipWriter({ modified });
    expect(() => zip.addEntry({ name: '', size: 0, crc32: 0 })).toThrow(/name/);
    expect(() => zip.addEntry({ name: 'x'.repeat(70_000), size: 0, crc32: 0 })).toThrow(/name/);
  });
});
