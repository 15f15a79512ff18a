import { describe, expect, it } from 'vitest';
import { defaultExportOptions, defaultExportOptionsFor, exportCurl, exportFormatsFor, exportUrl } from './export.ts';

describe('exportUrl', () => {
  it('sends only the filters that are set', () => {
    expect(exportUrl(3, defaultExportOptions)).toBe('/api/v1/projects/3/export?format=csv');
    expect(exportUrl(3, { format: 'jsonl', resolvedOnly: true, split: 'check', label: 'card arrival & more' })).toBe(
      '/api/v1/projects/3/export?format=jsonl&resolved=true&split=check&label=card+arrival+%26+more',
    );
  });

  it('starts image projects on the zip, the export with the images', () => {
    expect(exportFormatsFor('image')).toEqual(['zip', 'csv', 'jsonl']);
    expect(exportFormatsFor('text')).toEqual(['csv', 'jsonl']);
    const options = defaultExportOptionsFor('image');
    expect(exportUrl(3, options)).toBe('/api/v1/projects/3/export?format=zip');
    expect(exportCurl(3, options, 'http://localhost:3000')).toContain('-o sift-export.zip');
    expect(defaultExportOptionsFor('text')).toEqual(defaultExportOptions);
  });

  it('builds a curl command with the origin and the key variable', () => {
    const curl = exportCurl(3, defaultExportOptions, 'http://localhost:3000');
    expect(curl).toContain('Authorization: Bearer $SIFT_API_KEY');
    expect(curl).toContain("'http://localhost:3000/api/v1/projects/3/export?format=csv'");
  });
});
