import { constants } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { defaultImportLimits } from './import.schema.ts';
import { detectTextFormat, parseTextFile, previewTextFile } from './parse-text.ts';
import { catchAppError } from '#test/setup/app-error.ts';

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const parse = (fileName: string, text: string | Buffer, extra: { textField?: string; limits?: typeof defaultImportLimits } = {}) =>
  parseTextFile({ fileName, data: typeof text === 'string' ? utf8(text) : text, ...extra });


describe('detectTextFormat', () => {
  it('trusts known extensions, then sniffs the first non-space character', () => {
    expect(detectTextFormat('a.CSV', utf8('{"x":1}'))).toBe('csv');
    expect(detectTextFormat('a.tsv', utf8(''))).toBe('csv');
    expect(detectTextFormat('a.ndjson', utf8('x'))).toBe('jsonl');
    expect(detectTextFormat('a.json', utf8('[]'))).toBe('jsonl');
    expect(detectTextFormat('upload', utf8('\ufeff \n {"text":"x"}'))).toBe('jsonl');
    expect(detectTextFormat('upload.txt', utf8('text\nhello'))).toBe('csv');
  });
});

describe('parseTextFile with CSV', () => {
  it('keeps the other columns as string metadata and numbers data rows from 1', () => {
    const parsed = parse('s.csv', 'id,text,label\n1,hello,pos\n2,"a, quoted\nmultiline one",neg\n');
    expect(parsed.format).toBe('csv');
    expect(parsed.columns).toEqual(['id', 'text', 'label']);
    expect(parsed.samples.map((s) => [s.row, s.text, s.metadata])).toEqual([
      [1, 'hello', { id: '1', label: 'pos' }],
      [2, 'a, quoted\nmultiline one', { id: '2', label: 'neg' }],
    ]);
    expect(parsed.samples[0]?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('strips a BOM, reads CRLF, skips empty and delimiter-only lines', () => {
    const parsed = parse('s.csv', '\ufefftext,n\r\n\r\none,1\r\n,\r\n"two",2\r\n\r\n');
    expect(parsed.columns).toEqual(['text', 'n']);
    expect(parsed.samples.map((s) => [s.row, s.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
  });

  it('uses tabs for .tsv and the chosen text column', () => {
    const parsed = parse('s.tsv', 'body\tscore\nsome, commas\t3\n', { textField: 'body' });
    expect(parsed.samples[0]).toMatchObject({ text: 'some, commas', metadata: { score: '3' } });
  });

  it('hashes normalized text and keeps duplicates for the service to count', () => {
    const parsed = parse('s.csv', 'text\n"  Caf\u0065\u0301   au\tlait "\nCaf\u00e9 au lait\nother\n');
    const [a, b, c] = parsed.samples;
    expect(parsed.samples).toHaveLength(3);
    expect(a?.contentHash).toBe(b?.contentHash);
    expect(a?.contentHash).not.toBe(c?.contentHash);
  });

  it('names the row and its file line for a ragged row, counting quoted line breaks', () => {
    const error = catchAppError(() => parse('s.csv', 'id,text\r\n1,"two\r\nlines"\r\n\r\n2,b,extra\r\n'));
    expect(error.code).toBe('INVALID');
    expect(error.message).toBe('row 2 (line 5): expected 2 columns, found 3');
  });

  it('reports an unterminated or stray quote as invalid CSV at its row', () => {
    expect(catchAppError(() => parse('s.csv', 'id,text\n1,ok\n2,"bad"x\n')).message).toMatch(/^row 2: invalid CSV: .*line 3/);
    expect(catchAppError(() => parse('s.csv', 'id,text\n1,"never closed\n')).message).toMatch(/^row 1: invalid CSV: Quote Not Closed/);
  });

  it('rejects empty and over-long text, naming row and line', () => {
    expect(catchAppError(() => parse('s.csv', 'id,text\n1,a\n2, \n')).message).toBe('row 2 (line 3): column "text" is empty');
    const limits = { ...defaultImportLimits, maxTextChars: 3 };
    expect(parse('s.csv', 'text\n\u{1F600}\u{1F600}\u{1F600}\n', { limits }).samples).toHaveLength(1);
    const error = catchAppError(() => parse('s.csv', 'text\nabc\nabcd\n', { limits }));
    expect(error.message).toBe('row 2 (line 3): column "text" has 4 characters, over the 3 limit');
  });

  it('requires a known text column and unique header names', () => {
    expect(catchAppError(() => parse('s.csv', 'id,body\n1,x\n')).message).toBe(
      'no column named "text"; choose the text column from: "id", "body"',
    );
    expect(catchAppError(() => parse('s.csv', 'id,body\n1,x\n', { textField: 'content' })).message).toBe(
      'column "content" not found; columns: "id", "body"',
    );
    expect(catchAppError(() => parse('s.csv', 'text,id,text\nx,1,y\n')).message).toMatch(/column "text" appears more than once/);
    expect(parse('s.csv', ',Text\n0,hi\n').samples[0]).toMatchObject({ text: 'hi', metadata: { column_1: '0' } });
  });

  it('rejects files without data rows', () => {
    expect(catchAppError(() => parse('s.csv', 'text\n\n')).message).toBe('file has no data rows');
  });
});

describe('parseTextFile with JSONL', () => {
  it('numbers rows by line, skipping blank lines, and keeps other keys as metadata', () => {
    const parsed = parse('s.jsonl', '{"text":"a","id":1}\n\n{"text":"b","tags":["x"]}\r\n');
    expect(parsed).toMatchObject({ format: 'jsonl', columns: ['text', 'id', 'tags'] });
    expect(parsed.samples.map((s) => [s.row, s.text, s.metadata])).toEqual([
      [1, 'a', { id: 1 }],
      [3, 'b', { tags: ['x'] }],
    ]);
  });

  it('names the line of invalid JSON, non-objects and badly typed text', () => {
    expect(catchAppError(() => parse('s.jsonl', '{"text":"a"}\n\n{"text": oops}\n')).message).toMatch(/^line 3: invalid JSON: /);
    expect(catchAppError(() => parse('s.jsonl', '{"text":"a"}\n["text"]\n')).message).toBe('line 2: expected a JSON object, got an array');
    expect(catchAppError(() => parse('s.jsonl', '{"text":"a"}\n{"text":42}\n')).message).toBe(
      'line 2: field "text" must be a string, got number',
    );
    expect(catchAppError(() => parse('s.jsonl', '{"text":"a"}\n{"body":"b"}\n')).message).toBe('line 2: field "text" is missing');
    expect(catchAppError(() => parse('s.jsonl', '{"text":"a\\u0000b"}\n')).message).toBe(
      'line 1: "text" contains a NUL character (\\u0000)',
    );
    expect(catchAppError(() => parse('s.jsonl', '{"text":"ok","note":"\\ud83d"}\n')).message).toBe(
      'line 1: "note" contains an unpaired UTF-16 surrogate',
    );
  });

  it('accepts a .json array of objects, numbering rows from 1', () => {
    const parsed = parse('s.json', '[{"content":"a"},{"content":"b","k":true}]', { textField: 'content' });
    expect(parsed.samples.map((s) => [s.row, s.text, s.metadata])).toEqual([
      [1, 'a', {}],
      [2, 'b', { k: true }],
    ]);
    expect(catchAppError(() => parse('s.json', '[{"text":"a"}, 3]')).message).toBe('row 2: expected a JSON object, got a number');
  });
});

describe('parseTextFile encoding and limits', () => {
  it('rejects bytes that are not UTF-8, and NUL bytes by line', () => {
    const latin1 = Buffer.from('text\ncaf\xe9\n', 'latin1');
    const error = catchAppError(() => parse('s.csv', latin1));
    expect(error).toMatchObject({ code: 'INVALID' });
    expect(error.message).toMatch(/file is not valid UTF-8/);
    expect(catchAppError(() => parse('s.csv', 'text\nok\nnul\0here\n')).message).toBe('line 3: file contains a NUL byte');
  });

  it('throws TOO_LARGE past the file size and row limits, and never returns part of a file', () => {
    const limits = { ...defaultImportLimits, maxRows: 2, maxFileBytes: 64 };
    expect(parse('s.csv', 'text\na\nb\n', { limits }).samples).toHaveLength(2);
    const rows = catchAppError(() => parse('s.csv', 'text\na\nb\nc\n', { limits }));
    expect(rows).toMatchObject({ code: 'TOO_LARGE', message: 'file has more than 2 rows, the limit per import' });
    expect(catchAppError(() => parse('s.jsonl', '{"text":"a"}\n{"text":"b"}\n{"text":"c"}\n', { limits })).code).toBe('TOO_LARGE');
    expect(catchAppError(() => parse('s.json', '[{"text":"a"},{"text":"b"},{"text":"c"}]', { limits })).code).toBe('TOO_LARGE');
    const big = catchAppError(() => parse('s.csv', `text\n${'x'.repeat(80)}\n`, { limits }));
    expect(big).toMatchObject({ code: 'TOO_LARGE', message: 's.csv: file is 86 bytes, over the 64-byte limit' });
  });

  it('says a valid file too long for one string is too large, not invalid UTF-8', () => {
    // SIFT_MAX_UPLOAD_MB allows up to 2 GiB; V8 strings end at 2^29 - 24 characters.
    const huge = Buffer.alloc(constants.MAX_STRING_LENGTH + 16, 'x\n');
    huge.write('text\n');
    const error = catchAppError(() => parse('huge.csv', huge, { limits: { ...defaultImportLimits, maxFileBytes: 2048 * 1024 * 1024 } }));
    expect(error).toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/split it into smaller files/) });
  });
});

describe('parseTextFile and previewTextFile with deeply nested JSON', () => {
  // Passes JSON.parse, but a recursive walk (or res.json) of it overflows the stack.
  const deep = (levels: number) => `{"text":"hi","m":${'['.repeat(levels)}${']'.repeat(levels)}}`;

  it('refuses nesting past 64 levels with INVALID naming the line and field, in imports and previews', () => {
    expect(parse('s.jsonl', `${deep(63)}\n`).samples).toHaveLength(1);
    for (const levels of [64, 20_000]) {
      const file = `{"text":"ok"}\n${deep(levels)}\n`;
      expect(catchAppError(() => parse('s.jsonl', file))).toMatchObject({ code: 'INVALID', message: 'line 2: "m" is nested more than 64 levels deep' });
      expect(catchAppError(() => previewTextFile({ fileName: 's.jsonl', data: utf8(file) }))).toMatchObject({ code: 'INVALID', message: 'line 2: "m" is nested more than 64 levels deep' });
    }
    expect(catchAppError(() => parse('s.json', `[${deep(20_000)}]`)).message).toBe('row 1: "m" is nested more than 64 levels deep');
  });

  it("checks an export's metadata cell, which is JSON inside CSV", () => {
    const cell = (json: string) => `"${json.replace(/"/g, '""')}"`;
    const csv = (metadata: string) => `text,metadata,label,resolution,split,annotations\nhi,${cell(metadata)},,,train,\n`;
    expect(catchAppError(() => parse('export.csv', csv(`{"m":${'['.repeat(100)}${']'.repeat(100)}}`))).message).toBe('row 1 (line 2): "m" is nested more than 64 levels deep');
    expect(catchAppError(() => parse('export.csv', csv('{"note":"a\\u0000"}'))).message).toBe('row 1 (line 2): "note" contains a NUL character (\\u0000)');
  });
});

describe('previewTextFile', () => {
  it("applies the limits it is given (the server's), not the defaults", () => {
    const limits = { ...defaultImportLimits, maxFileBytes: 60 * 1024 * 1024 };
    const big = Buffer.alloc(defaultImportLimits.maxFileBytes + 1024, 'x\n');
    big.write('text\n');
    expect(catchAppError(() => previewTextFile({ fileName: 'big.csv', data: big }))).toMatchObject({ code: 'TOO_LARGE' });
    expect(previewTextFile({ fileName: 'big.csv', data: big, limits }).rows).toHaveLength(5);
    const small = { ...defaultImportLimits, maxFileBytes: 10 };
    expect(catchAppError(() => previewTextFile({ fileName: 'p.csv', data: utf8('text\nhello world\n'), limits: small }))).toMatchObject({ code: 'TOO_LARGE' });
  });

  it('returns the columns and the first five rows', () => {
    const csv = ['id,text', ...Array.from({ length: 8 }, (_, i) => `${i},t${i}`)].join('\n');
    const preview = previewTextFile({ fileName: 'p.csv', data: utf8(csv) });
    expect(preview.format).toBe('csv');
    expect(preview.columns).toEqual(['id', 'text']);
    expect(preview.rows).toHaveLength(5);
    expect(preview.rows[4]).toEqual({ id: '4', text: 't4' });
    const jsonl = previewTextFile({ fileName: 'p.jsonl', data: utf8('{"a":1}\n{"b":"x"}\n') });
    expect(jsonl).toEqual({ format: 'jsonl', columns: ['a', 'b'], rows: [{ a: 1 }, { b: 'x' }] });
  });

  it("names an export's label column and shows its cells as the import reads them", () => {
    const csv = ['id,text,metadata,label,resolution,split,annotations', `1,'=1+1,{},'+1,single,train,1`].join('\n');
    const preview = previewTextFile({ fileName: 'export.csv', data: utf8(csv) });
    expect(preview.defaultLabelField).toBe('label');
    expect(preview.rows[0]).toMatchObject({ text: '=1+1', label: '+1' });
    expect(previewTextFile({ fileName: 'p.csv', data: utf8('text,label\na,b\n') })).not.toHaveProperty('defaultLabelField');
  });
});
