import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress } from './webhook-url.ts';

/** How much of a receiver's answer the delivery log keeps. */
export const SNIPPET_BYTES = 512;

export interface WebhookResponse {
  statusCode: number;
  durationMs: number;
  snippet: string;
}

/** Raised when the request never got an answer (refused, timed out, blocked address). */
export class WebhookRequestError extends Error {
  constructor(
    message: string,
    readonly durationMs: number,
    readonly blocked = false,
  ) {
    super(message);
  }
}

/** Resolves like the default lookup, refusing private addresses unless allowed (checked at connect time). */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return (callback as (e: Error) => void)(error);
      const list = addresses as dns.LookupAddress[];
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (!allowPrivate && bad) return (callback as (e: Error) => void)(Object.assign(new Error(`${hostname} resolves to private address ${bad.address}`), { code: 'SIFT_PRIVATE_ADDRESS' }));
      if (options.all) return (callback as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      const first = list[0]!;
      (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
    });
  };
}

/** POSTs `body` with `headers`; resolves with any HTTP answer (the caller judges the status), never follows redirects. */
export function postWebhook(input: { url: string; headers: Record<string, string>; body: string; timeoutMs: number; allowPrivate: boolean }): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(input.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method: 'POST',
      headers: { ...input.headers, 'content-length': String(Buffer.byteLength(input.body)) },
      lookup: guardedLookup(input.allowPrivate),
      agent: false,
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${input.timeoutMs / 1000} s`)), input.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new WebhookRequestError(error.message || error.code || 'request failed', elapsed(), error.code === 'SIFT_PRIVATE_ADDRESS'));
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        clearTimeout(timer);
        resolve({ statusCode: response.statusCode ?? 0, durationMs: elapsed(), snippet: Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_BYTES) });
      };
      response.on('data', (chunk: Buffer) => {
        if (size < SNIPPET_BYTES) chunks.push(chunk);
        size += chunk.length;
        // Enough for the log: stop reading a large or endless answer.
        if (size >= SNIPPET_BYTES) {
          finish();
          response.destroy();
        }
      });
      response.on('end', finish);
      response.on('error', finish);
    });
    request.end(input.body);
  });
}
