import { describe, expect, it } from 'vitest';
import { predictSnippets } from './api-snippets.ts';

describe('prediction API snippets', () => {
  it('send texts as JSON to this project on this server, the key from the environment', () => {
    const [curl, ts] = predictSnippets({ origin: 'https://sift.example', projectId: 7, dataType: 'text' });
    expect(curl!.code).toContain('"https://sift.example/api/v1/projects/7/predict"');
    expect(curl!.code).toContain('Authorization: Bearer $SIFT_API_KEY');
    const body = /-d '(.+)'$/m.exec(curl!.code)![1]!;
    expect(JSON.parse(body)).toEqual({ inputs: [{ text: expect.any(String) }, { text: expect.any(String) }] });
    expect(ts!.code).toContain('process.env.SIFT_API_KEY');
    expect(ts!.code).toContain('texts.map((text) => ({ text }))');
  });

  it('upload files with curl and base64 in TypeScript for image projects', () => {
    const [curl, ts] = predictSnippets({ origin: 'http://localhost:3000', projectId: 2, dataType: 'image' });
    expect(curl!.code).toMatch(/-F "file=@photo\.jpg"/);
    expect(curl!.code).not.toContain('Content-Type: application/json');
    expect(ts!.code).toContain("toString('base64')");
  });
});
