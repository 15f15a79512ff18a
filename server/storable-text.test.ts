import { describe, expect, it } from 'vitest';
import { findUnstorableJson, findUnstorableString, storableText, toStorableName } from './storable-text.ts';

describe('storable text', () => {
  it('finds NUL and unpaired surrogates, and lets surrogate pairs and other controls through', () => {
    expect(findUnstorableString('a\u0000b')).toBe('contains a NUL character (\\u0000)');
    expect(findUnstorableString('a\ud800b')).toBe('contains an unpaired UTF-16 surrogate');
    expect(findUnstorableString('\udc00')).toBe('contains an unpaired UTF-16 surrogate');
    expect(findUnstorableString('emoji 👩🏽‍💻, tab\t, RTL \u202e')).toBeUndefined();
  });

  it('names where in a JSON value the problem is', () => {
    expect(findUnstorableJson({ text: 'ok', metrics: { notes: ['a', 'b', 'c\u0000'] } })).toBe('"metrics.notes[2]" contains a NUL character (\\u0000)');
    expect(findUnstorableJson({ source: { project: '\ud800' } })).toBe('"source.project" contains an unpaired UTF-16 surrogate');
    expect(findUnstorableJson({ m: { 'k\u0000': 1 } })).toBe('a key in "m" contains a NUL character (\\u0000)');
    expect(findUnstorableJson({ 'k\u0000': 1 })).toBe('a key contains a NUL character (\\u0000)');
    expect(findUnstorableJson('x\u0000')).toBe('contains a NUL character (\\u0000)');
    expect(findUnstorableJson({ n: 1, b: true, z: null, s: 'fine', a: [[1], { x: '👍' }] })).toBeUndefined();
  });

  it('refuses nesting past the limit without recursing, naming the top-level field', () => {
    const nested = (levels: number) => JSON.parse(`{"text":"hi","m":${'['.repeat(levels)}${']'.repeat(levels)}}`) as unknown;
    expect(findUnstorableJson(nested(63))).toBeUndefined();
    expect(findUnstorableJson(nested(64))).toBe('"m" is nested more than 64 levels deep');
    // Deep enough that a recursive walk (or JSON.stringify) overflows the stack.
    expect(findUnstorableJson(nested(200_000))).toBe('"m" is nested more than 64 levels deep');
    expect(findUnstorableJson(nested(3), 3)).toBe('"m" is nested more than 3 levels deep');
    expect(findUnstorableJson([[[]]], 2)).toBe('"[0]" is nested more than 2 levels deep');
  });

  it('gives a zod string that names the field and chains like z.string()', () => {
    const name = storableText('the project name').trim().min(1, 'enter a name');
    expect(name.parse('  Intents ')).toBe('Intents');
    expect(name.safeParse('a\u0000b').error?.issues[0]?.message).toBe('the project name contains a NUL character (\\u0000)');
    expect(name.safeParse('a\ud800').error?.issues[0]?.message).toBe('the project name contains an unpaired UTF-16 surrogate');
    expect(name.safeParse('😀 multi\nline').success).toBe(true);
  });

  it('cleans a file name of control characters and unpaired surrogates', () => {
    expect(toStorableName('a\u0000b\r\n\u001f\u007f\u0085.csv')).toBe('ab.csv');
    expect(toStorableName('x\ud800y.png')).toBe('x\ufffdy.png');
    expect(toStorableName('café 👩🏽‍💻.csv')).toBe('café 👩🏽‍💻.csv');
  });
});
