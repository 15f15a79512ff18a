/** A key as `apiKeys.list` shows it (never its secret); Dates from loaders, strings over plain JSON. */
export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date | string;
  lastUsedAt: Date | string | null;
  revokedAt: Date | string | null;
}

/** What the API page's action answers; the key form and each row's revoke button read it. */
export type ApiKeyResult =
  | { ok: true; intent: 'create'; key: string; apiKey: ApiKeyView }
  | { ok: true; intent: 'revoke'; keyId: number }
  | { ok: false; intent: 'create' | 'revoke'; formError: string | null; fieldErrors: Record<string, string[] | undefined> };

/** How a key is shown after the one time its secret is: `sift_AbCd1234_…`. */
export function maskedKey(prefix: string): string {
  return `sift_${prefix}_…`;
}

export type ApiKeyScope = 'predict' | 'export' | 'import';

/** The scopes a new key may get, as the key form offers them (predict checked by default). */
export const API_KEY_SCOPE_CHOICES: { scope: ApiKeyScope; label: string; hint: string }[] = [
  { scope: 'predict', label: 'Predict', hint: 'call the prediction API' },
  { scope: 'export', label: 'Export', hint: "download the project's data, annotators' names and emails included" },
  { scope: 'import', label: 'Import', hint: 'upload samples (scripted imports)' },
];
