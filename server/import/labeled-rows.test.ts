import { describe, expect, it } from 'vitest';
import { parseTextFile } from './parse-text.ts';

const labels = ['a', 'b'];

describe('labels in text imports', () => {
  it('keeps files without a label column as they were: label stays metadata', () => {
    const parsed = parseTextFile({ fileName: 'x.csv', data: Buffer.from('text,label\nhello,zzz\n'), labelNames: labels });
    expect(parsed.samples[0]).toMatchObject({ text: 'hello', metadata: { label: 'zzz' } });
    expect(parsed.samples[0]!.label).toBeUndefined();
  });

  it('reads a named label column; blanks are unlabeled', () => {
    const parsed = parseTextFile({ fileName: 'x.csv', data: Buffer.from('text,y\none,a\ntwo, \n'), labelField: 'y', labelNames: labels });
    expect(parsed.samples.map((s) => [s.label, s.metadata])).toEqual([['a', {}], [undefined, {}]]);
  });

  it('rejects unknown label names naming the row, and a missing label column', () => {
    expect(() => parseTextFile({ fileName: 'x.csv', data: Buffer.from('text,y\none,a\ntwo,c\n'), labelField: 'y', labelNames: labels })).toThrow(
      /^row 2 \(line 3\): unknown label "c"; this project's labels are "a", "b"/,
    );
    expect(() => parseTextFile({ fileName: 'x.jsonl', data: Buffer.from('{"text":"t","y":3}\n'), labelField: 'y', labelNames: labels })).toThrow(/line 1: .*must be a label name/);
    expect(() => parseTextFile({ fileName: 'x.csv', data: Buffer.from('text\none\n'), labelField: 'y' })).toThrow(/label column "y" not found/);
  });

  it('reads a Sift export back: label, metadata unpacked, derived columns dropped, formula guard removed', () => {
    const csv =
      'id,text,metadata,label,resolution,split,annotations,prediction,confidence\r\n' +
      `9,'=1+1,"{""source"":""web""}",b,review,train,"[]",,\r\n` +
      '10,plain,{},,,held-out,[],a,0.5\r\n';
    const parsed = parseTextFile({ fileName: 'export.csv', data: Buffer.from(csv), labelNames: labels });
    expect(parsed.samples.map((s) => [s.text, s.label, s.metadata])).toEqual([['=1+1', 'b', { source: 'web' }], ['plain', undefined, {}]]);
    const jsonl = JSON.stringify({ id: 1, text: '=1+1', metadata: { n: 1 }, label: 'a', resolution: 'single', split: 'train', annotations: [], prediction: null, confidence: null, extra: 'kept' });
    const fromJson = parseTextFile({ fileName: 'export.jsonl', data: Buffer.from(jsonl), labelNames: labels });
    // JSONL is not guarded, so its text is taken as it is.
    expect(fromJson.samples[0]).toMatchObject({ text: '=1+1', label: 'a', metadata: { n: 1, extra: 'kept' } });
  });

  it('rejects an export row whose metadata is not a JSON object', () => {
    const csv = 'text,metadata,label,resolution,split,annotations\nx,[1],,,,\n';
    expect(() => parseTextFile({ fileName: 'e.csv', data: Buffer.from(csv) })).toThrow(/row 1 \(line 2\): "metadata" must be a JSON object/);
  });

  describe("an export's annotations", () => {
    const at = '2026-01-02T03:04:05.000Z';
    const later = '2026-01-03T00:00:00.000Z';
    const annotation = (over: Record<string, unknown> = {}) => ({ label: 'a', annotator: 'Ann', email: 'Ann@Example.test', createdAt: at, updatedAt: later, durationMs: 1200, ...over });
    const csvOf = (annotations: unknown) =>
      'id,text,metadata,label,resolution,split,annotations,prediction,confidence\r\n' + `1,hello,{},a,single,train,"${(typeof annotations === 'string' ? annotations : JSON.stringify(annotations)).replaceAll('"', '""')}",,\r\n`;
    const parseCsv = (annotations: unknown) => parseTextFile({ fileName: 'export.csv', data: Buffer.from(csvOf(annotations)), labelNames: labels });

    it('reads them from CSV and JSONL: email lowercased as the annotator, label, times and durationMs', () => {
      const expected = { annotator: 'ann@example.test', label: 'a', at, updatedAt: later, durationMs: 1200 };
      expect(parseCsv([annotation()]).samples[0]!.annotations).toEqual([expected]);
      const line = JSON.stringify({ id: 1, text: 'hello', metadata: {}, label: 'a', resolution: 'single', split: 'train', annotations: [annotation(), annotation({ email: 'bo@example.test', label: 'b', durationMs: 0 })] });
      const fromJson = parseTextFile({ fileName: 'export.jsonl', data: Buffer.from(line), labelNames: labels }).samples[0]!;
      expect(fromJson.annotations).toEqual([expected, { ...expected, annotator: 'bo@example.test', label: 'b', durationMs: 0 }]);
      // They are not metadata.
      expect(fromJson.metadata).toEqual({});
    });

    it('takes an empty array or cell as no annotations, and leaves times and duration out when absent', () => {
      expect(parseCsv([]).samples[0]).not.toHaveProperty('annotations');
      expect(parseCsv('').samples[0]).not.toHaveProperty('annotations');
      expect(parseCsv([{ label: 'b', email: 'x@example.test' }]).samples[0]!.annotations).toEqual([{ annotator: 'x@example.test', label: 'b' }]);
    });

    it('ignores annotations in files that are not exports', () => {
      const parsed = parseTextFile({ fileName: 'x.csv', data: Buffer.from('text,annotations\nhi,"[{""label"":""zzz""}]"\n'), labelNames: labels });
      expect(parsed.samples[0]).not.toHaveProperty('annotations');
    });

    it('rejects a malformed array or annotation, naming the row and the annotation', () => {
      const cases: [unknown, RegExp][] = [
        ['[{', /^row 1 \(line 2\): the "annotations" column must hold a JSON array/],
        ['{"label":"a"}', /^row 1 \(line 2\): "annotations" must be a JSON array/],
        [['a'], /^row 1 \(line 2\): annotation 1: must be an object with "label" and "email"/],
        [[annotation(), annotation({ email: undefined })], /^row 1 \(line 2\): annotation 2: "email" is missing/],
        [[annotation({ email: 'not an email' })], /annotation 1: "email" must be an email address/],
        [[annotation({ label: 3 })], /annotation 1: "label" must be a string, got number/],
        [[annotation({ createdAt: 'yesterday' })], /annotation 1: "createdAt" must be an ISO 8601 time/],
        [[annotation({ durationMs: -1 })], /annotation 1: "durationMs" must be 0 or more/],
        [[annotation({ durationMs: 1.5 })], /annotation 1: "durationMs" must be a whole number/],
        [[annotation(), annotation({ email: 'ANN@example.test', label: 'b' })], /annotation 2: ann@example.test already has annotation 1 of this sample/],
      ];
      for (const [annotations, message] of cases) expect(() => parseCsv(annotations), String(message)).toThrow(message);
    });

    it("rejects a label the project lacks, naming the row, after checking the row's final label", () => {
      expect(() => parseCsv([annotation(), annotation({ email: 'bo@example.test', label: 'c' })])).toThrow(
        /^row 1 \(line 2\): annotation 2: unknown label "c"; this project's labels are "a", "b"/,
      );
      const csv = csvOf([annotation({ label: 'c' })]).replace(',a,single,', ',d,single,');
      expect(() => parseTextFile({ fileName: 'export.csv', data: Buffer.from(csv), labelNames: labels })).toThrow(/^row 1 \(line 2\): unknown label "d"/);
    });
  });
});
