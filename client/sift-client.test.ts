import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiftClient } from './sift-client.ts';

describe('SiftClient file names', () => {
  let server: Server;
  let client: SiftClient;
  // The next answer's Content-Disposition file name.
  let name = '';

  beforeAll(async () => {
    server = createServer((_, res) => {
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.end('text\nhello\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new SiftClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'sift_test' });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const exportedName = async (sent: string) => {
    name = sent;
    const { fileName, body } = await client.exportData(1);
    await body.cancel();
    return fileName;
  };

  it('keeps only the last path segment of a hostile Content-Disposition name', async () => {
    expect(await exportedName('sift-1-2024-01-01.csv')).toBe('sift-1-2024-01-01.csv');
    expect(await exportedName('../escaped.csv')).toBe('escaped.csv');
    expect(await exportedName('/etc/cron.d/sift')).toBe('sift');
    expect(await exportedName('..\\..\\windows.csv')).toBe('windows.csv');
    for (const nothing of ['..', '.', 'a/..', 'dir/']) expect(await exportedName(nothing)).toBeNull();
  });

  it('does the same for a model bundle', async () => {
    name = '../../model.zip';
    expect((await client.exportModel(1, 1)).fileName).toBe('model.zip');
  });
});
