import type { Request } from 'express';
import busboy from 'busboy';
import { AppError } from '../errors.ts';
import { toStorableName } from '../storable-text.ts';

/** One uploaded file, buffered; `name` holds no control characters or unpaired surrogates. */
export interface UploadedFile {
  name: string;
  data: Buffer;
}

/** Buffers a multipart body, enforcing a per-file and total byte limit while it streams in. */
export function readMultipart(req: Request, maxBytes: number, maxFiles: number): Promise<{ files: UploadedFile[]; fields: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: maxFiles, fields: 20, fieldSize: 10_000 } });
    } catch {
      reject(new AppError('INVALID', 'send the file as multipart/form-data'));
      return;
    }
    const files: UploadedFile[] = [];
    const fields: Record<string, string> = {};
    let total = 0;
    let failed: AppError | undefined;
    const fail = (error: AppError) => {
      failed ??= error;
      req.unpipe(parser);
      req.resume();
      reject(failed);
    };
    parser.on('file', (_field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) fail(new AppError('TOO_LARGE', `upload is larger than the ${Math.round(maxBytes / 1048576)} MiB limit`));
        else chunks.push(chunk);
      });
      stream.on('limit', () => fail(new AppError('TOO_LARGE', `${info.filename} is larger than the ${Math.round(maxBytes / 1048576)} MiB limit`)));
      // The name is stored (import batches, image samples); a client cannot easily rename a part, so clean it rather than refuse it.
      stream.on('end', () => files.push({ name: toStorableName(info.filename ?? '') || 'upload', data: Buffer.concat(chunks) }));
    });
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('filesLimit', () => fail(new AppError('TOO_LARGE', `too many files in one upload (at most ${maxFiles})`)));
    parser.on('error', () => fail(new AppError('INVALID', 'the upload is not valid multipart/form-data')));
    parser.on('close', () => (failed ? reject(failed) : resolve({ files, fields })));
    req.pipe(parser);
  });
}

