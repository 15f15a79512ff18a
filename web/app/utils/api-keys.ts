/** A key as `apiKeys.list` shows it (never its secret); Dates from loaders, strings over plain JSON. */
export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
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
