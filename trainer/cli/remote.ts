import { SiftApiError, SiftClient } from '#client/sift-client.ts';

/** Options every command that talks to a running server takes. */
export const REMOTE_OPTIONS = {
  project: { type: 'string' },
  server: { type: 'string' },
  key: { type: 'string' },
} as const;

/** The client for `--server` (or SIFT_URL) with `--key` (or SIFT_API_KEY), and the project id. */
export function connect(values: { project?: string; server?: string; key?: string }, scope: 'import' | 'export', usage: string): { client: SiftClient; projectId: number } {
  const projectId = Number(values.project);
  if (!values.project || !Number.isInteger(projectId) || projectId < 1) throw new Error(`--project needs a project id (the number in /projects/ID)\n${usage}`);
  const baseUrl = values.server ?? process.env.SIFT_URL ?? 'http://localhost:3000';
  if (!isHttpUrl(baseUrl)) throw new Error(`--server must be an http(s) URL, not "${baseUrl}"`);
  const apiKey = values.key ?? process.env.SIFT_API_KEY;
  if (!apiKey) throw new Error(`an API key with the ${scope} scope is needed: --key sift_… or SIFT_API_KEY (create one on the project's API page)`);
  return { client: new SiftClient({ baseUrl, apiKey }), projectId };
}

function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\/[^\s]+$/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    // `new URL` is stricter than the pattern (an unclosed `[::1`): its bare "Invalid URL" says too little.
    return false;
  }
}

/** Turns the API's answers into advice for the person at the terminal. */
export function explain(error: unknown, scope: 'import' | 'export'): Error {
  if (!(error instanceof SiftApiError)) return error instanceof Error ? error : new Error(String(error));
  const hint: Record<string, string> = {
    UNAUTHORIZED: `the server refused the API key (${error.message}); check --key or SIFT_API_KEY`,
    FORBIDDEN: `${error.message}; it needs a key of this project with the ${scope} scope (project API page)`,
    NOT_FOUND: error.message,
  };
  return new Error(hint[error.code] ?? error.message);
}
