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
});
