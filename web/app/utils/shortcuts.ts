const keys = [...'123456789abcdefghijklmnopqrstuvwxyz'];

/**
 * The shortcut each label will get: its own, else the next free key (1–9, then a–z). The server
 * assigns the same defaults on create; this only previews them in the label set editor.
 */
export function previewShortcuts(chosen: (string | undefined)[]): (string | null)[] {
  const taken = new Set(chosen.filter(Boolean));
  const free = keys.filter((k) => !taken.has(k));
  return chosen.map((c) => c || (free.shift() ?? null));
}

/** Lower-cases a typed shortcut and keeps it only if it is one allowed key. */
export function normalizeShortcut(value: string): string {
  const key = value.trim().slice(-1).toLowerCase();
  return /^[1-9a-z]$/.test(key) ? key : '';
}
