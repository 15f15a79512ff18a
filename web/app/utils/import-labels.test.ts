import { describe, expect, it } from 'vitest';
import { defaultLabelColumn, refusesImport, summarizeLabelColumn } from './import-labels.ts';
import { describeImport } from './use-import-upload.ts';

describe('the label column of a text import', () => {
  it("preselects the server's default, else a column named label, else none", () => {
    expect(defaultLabelColumn(['text', 'label', 'metadata'], 'label')).toBe('label');
    expect(defaultLabelColumn(['text', 'Label'], undefined)).toBe('Label');
    expect(defaultLabelColumn(['text', 'category'], undefined)).toBe('');
  });

  it('counts labeled preview rows and names the values that are not labels, as the server reads them', () => {
    const rows = [{ y: ' Positive ' }, { y: '' }, { y: '   ' }, { y: 'Spam' }, { y: 3 }, {}, { y: 'Spam' }, { y: null }];
    expect(summarizeLabelColumn(rows, 'y', ['Positive', 'Negative'])).toEqual({ labeled: 4, rows: 8, unknown: ['Spam'], notText: 1 });
    expect(summarizeLabelColumn(rows, 'missing', ['Positive'])).toEqual({ labeled: 0, rows: 8, unknown: [], notText: 0 });
    // Unknown names or non-text cells refuse the file; blanks and known names do not.
    expect(refusesImport(summarizeLabelColumn(rows, 'y', ['Positive', 'Negative']))).toBe(true);
    expect(refusesImport(summarizeLabelColumn(rows, 'missing', ['Positive']))).toBe(false);
    expect(refusesImport(null)).toBe(false);
  });
});

describe('describeImport', () => {
  it('says how many samples arrived labeled, when any did', () => {
    expect(describeImport({ imported: 5, duplicates: 1, labeled: 3, restored: 0 })).toBe('Imported 5 samples (3 labeled), skipped 1 duplicate');
    expect(describeImport({ imported: 1, duplicates: 0, labeled: 0, restored: 0 })).toBe('Imported 1 sample, no duplicates');
    expect(describeImport({ imported: 4, duplicates: 0, labeled: 4, restored: 6 })).toBe("Imported 4 samples (4 labeled), no duplicates; restored 6 annotations by this project's members");
  });
});
