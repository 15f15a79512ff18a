import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskEmbeddingCache } from './embedding-cache.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('DiskEmbeddingCache', () => {
  it('keeps in memory only the inputs a run asks for, across blocks, and ignores a torn last record', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sift-cache-'));
    dirs.push(dir);
    const inputs = Array.from({ length: 5000 }, (_, i) => `text ${i}`);
    const keys = inputs.map((t) => DiskEmbeddingCache.keyOf(t));
    const writer = new DiskEmbeddingCache(dir, 'enc', 3, new Set());
    writer.add(keys.map((key, i) => ({ key, vector: Float32Array.of(i, i + 0.5, -i) })));
    // An interrupted run left half a record behind.
    appendFileSync(path.join(dir, 'enc.bin'), Buffer.alloc(20));
    const wanted = new Set([keys[0]!, keys[4097]!, keys[4999]!, DiskEmbeddingCache.keyOf('never embedded')]);
    const reader = new DiskEmbeddingCache(dir, 'enc', 3, wanted);
    expect([...reader.get(keys[4097]!)!]).toEqual([4097, 4097.5, -4097]);
    expect([...reader.get(keys[4999]!)!]).toEqual([4999, 4999.5, -4999]);
    expect(reader.get(keys[0]!)).toBeDefined();
    expect(reader.get(keys[1]!)).toBeUndefined();
    expect(reader.get(DiskEmbeddingCache.keyOf('never embedded'))).toBeUndefined();
    expect(reader.size).toBe(3);
  });
});
