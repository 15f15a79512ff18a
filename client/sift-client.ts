/**
 * A typed client for Sift's HTTP API (prediction, data export and import), for Node 20+ and
 * browsers: plain `fetch`, no dependencies, nothing of Sift's server imported. Its operations are
 * checked against the server's OpenAPI document (`/api/v1/openapi.json`) by a test.
 *
 *   const sift = new SiftClient({ baseUrl: 'http://localhost:3000', apiKey: process.env.SIFT_API_KEY });
 *   const { predictions } = await sift.predict(1, [{ text: 'my card has not arrived' }]);
 */

/** One input of a prediction request: a text, or an image in base64. */
export type PredictInput = { text: string } | { image: string };

/** One answer, per the OpenAPI `Prediction` schema. */
export interface Prediction {
  label: string | null;
  confidence: number;
  probabilities: Record<string, number>;
  abstained?: true;
}

export interface PredictResponse {
  modelVersion: number;
  predictions: Prediction[];
}

export interface ExportOptions {
  /** csv (default), jsonl, or zip: samples.jsonl plus the images of an image project. */
  format?: 'csv' | 'jsonl' | 'zip';
  resolved?: boolean;
  split?: 'train' | 'held-out';
  label?: string;
}

export interface ImportResult {
  batchId: number;
  rows: number;
  imported: number;
  duplicates: number;
  labeled: number;
  /** Annotations of a re-imported Sift export restored as their annotators' own (members of the project). */
  restored: number;
}

/** A model version imported from an export zip: a candidate until a lead puts it live. */
export interface ImportedModelVersion {
  versionId: number;
  version: number;
  status: 'candidate';
  labels: string[];
  reason: string;
}

export interface ImportOptions {
  /** The column holding the text (text projects), when it is not found by name. */
  textField?: string;
  /** A column of label names: those samples arrive labeled. */
  labelField?: string;
  /**
   * Called as the upload goes out (bytes sent of the total). Streams the request body, which
   * Node's fetch supports; browsers only over HTTP/2, so leave it out there.
   */
  onUploadProgress?: (sent: number, total: number) => void;
}

/**
 * What the client calls, as the OpenAPI document names it: method, path under /api/v1, query
 * parameters. Used to build requests here and checked against the document by the contract test.
 */
export const OPERATIONS = {
  predict: { method: 'post', path: '/projects/{projectId}/predict', query: ['version', 'threshold'] },
  exportData: { method: 'get', path: '/projects/{projectId}/export', query: ['format', 'resolved', 'split', 'label'] },
  importFile: { method: 'post', path: '/projects/{projectId}/import', query: [] },
  exportModel: { method: 'get', path: '/projects/{projectId}/models/{version}/export', query: [] },
  importModel: { method: 'post', path: '/projects/{projectId}/models/import', query: [] },
} as const satisfies Record<string, { method: 'get' | 'post'; path: string; query: readonly string[] }>;

/** An error answer of the API, or an unreachable server (status 0, code UNREACHABLE). */
export class SiftApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: unknown,
  ) {
    super(message);
    this.name = 'SiftApiError';
  }
}

export interface SiftClientOptions {
  /** Where Sift runs, e.g. http://localhost:3000 (the /api/v1 prefix is added). */
  baseUrl: string;
  /** A project API key (`sift_…`) with the scope each call needs: predict, export or import. */
  apiKey?: string;
  /** Another fetch (tests, proxies). */
  fetch?: typeof fetch;
}

export class SiftClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: SiftClientOptions) {
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Predictions of the live model (or `version`); below `threshold` a prediction abstains. */
  async predict(projectId: number, inputs: PredictInput[], options: { version?: number; threshold?: number } = {}): Promise<PredictResponse> {
    const res = await this.send('predict', { projectId }, options, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs }) });
    return (await res.json()) as PredictResponse;
  }

  /** The project's data as CSV, JSONL or a zip (with the images), streamed: read `body` chunk by chunk (constant memory). */
  async exportData(projectId: number, options: ExportOptions = {}): Promise<{ fileName: string | null; body: ReadableStream<Uint8Array> }> {
    const query = { ...options, resolved: options.resolved === undefined ? undefined : String(options.resolved) };
    const res = await this.send('exportData', { projectId }, query, { method: 'GET' });
    return { fileName: attachmentName(res), body: res.body! };
  }

  /** Uploads one file (CSV, TSV, JSONL, JSON, an image, a zip of images or a Sift zip export) into the project, in one transaction. */
  async importFile(projectId: number, file: { name: string; data: Blob | Uint8Array }, options: ImportOptions = {}): Promise<ImportResult> {
    const data = file.data instanceof Blob ? file.data : new Blob([new Uint8Array(file.data)]);
    const fields = { textField: options.textField, labelField: options.labelField };
    let init: RequestInit;
    if (options.onUploadProgress) {
      init = streamedMultipart(fields, { name: file.name, data }, options.onUploadProgress);
    } else {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) if (value) form.append(name, value);
      form.append('file', data, file.name);
      init = { method: 'POST', body: form };
    }
    const res = await this.send('importFile', { projectId }, {}, init);
    return (await res.json()) as ImportResult;
  }

  /** A model version as a zip: TF.js model, label map, metrics and a README on running it without Sift. */
  async exportModel(projectId: number, version: number): Promise<{ fileName: string | null; data: Uint8Array }> {
    const res = await this.send('exportModel', { projectId, version }, {}, { method: 'GET' });
    return { fileName: attachmentName(res), data: new Uint8Array(await res.arrayBuffer()) };
  }

  /** Brings an exported zip back as a candidate version of this project (labels matched by name). */
  async importModel(projectId: number, zip: Blob | Uint8Array, fileName = 'model.zip'): Promise<ImportedModelVersion> {
    const form = new FormData();
    form.append('file', zip instanceof Blob ? zip : new Blob([new Uint8Array(zip)]), fileName);
    const res = await this.send('importModel', { projectId }, {}, { method: 'POST', body: form });
    return (await res.json()) as ImportedModelVersion;
  }

  private async send(operation: keyof typeof OPERATIONS, params: Record<string, number>, query: Record<string, string | number | undefined>, init: RequestInit): Promise<Response> {
    const path = OPERATIONS[operation].path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])));
    const url = new URL(`${this.base}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers = new Headers(init.headers);
    if (this.options.apiKey) headers.set('authorization', `Bearer ${this.options.apiKey}`);
    let res: Response;
    try {
      res = await this.fetchImpl(url, { ...init, headers });
    } catch (error) {
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new SiftApiError(0, 'UNREACHABLE', `cannot reach Sift at ${this.options.baseUrl} (${reason}): is the server running?`);
    }
    if (res.ok) return res;
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; issues?: unknown } } | null;
    throw new SiftApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? `Sift answered ${res.status} ${res.statusText}`, body?.error?.issues);
  }
}

/**
 * The file name of a Content-Disposition attachment, reduced to its last path segment: a
 * server (or a proxy) cannot make a caller that saves under this name write outside its folder.
 */
function attachmentName(res: Response): string | null {
  const raw = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const name = raw?.split(/[/\\]/).pop();
  return name && name !== '.' && name !== '..' ? name : null;
}

/** multipart/form-data written by hand, so the bytes can be counted as fetch reads them. */
function streamedMultipart(fields: Record<string, string | undefined>, file: { name: string; data: Blob }, onProgress: (sent: number, total: number) => void): RequestInit {
  const boundary = `----sift${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
  const encoder = new TextEncoder();
  const quoted = (value: string) => value.replace(/[\r\n]/g, ' ').replace(/"/g, '%22');
  const parts = Object.entries(fields)
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join('');
  const head = encoder.encode(`${parts}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const total = head.byteLength + file.data.size + tail.byteLength;
  let sent = 0;
  const reader = file.data.stream().getReader();
  let stage: 'head' | 'file' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const push = (chunk: Uint8Array) => {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
        onProgress(sent, total);
      };
      if (stage === 'head') {
        stage = 'file';
        return push(head);
      }
      if (stage === 'file') {
        const { done, value } = await reader.read();
        if (!done) return push(value);
        stage = 'done';
        push(tail);
      }
      controller.close();
    },
  });
  return { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, duplex: 'half' } as RequestInit;
}
