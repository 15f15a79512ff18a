import type { Role } from '#db/schema.ts';
import { AppError } from '../errors.ts';

const rank: Record<Role, number> = { annotator: 0, reviewer: 1, lead: 2, owner: 3 };

/** Throws FORBIDDEN unless `role` is at least `minimum` (owner > lead > reviewer > annotator). */
export function assertRole(role: Role, minimum: Role, action: string): void {
  if (rank[role] < rank[minimum]) throw new AppError('FORBIDDEN', `only a ${minimum} or above can ${action}`);
}

/**
 * Default keyboard shortcuts: 1–9 first, then letters a–z; explicit ones are kept and skipped over.
 */
export function assignShortcuts(labels: { name: string; shortcut?: string }[]): { name: string; shortcut: string | null }[] {
  const keys = [...'123456789abcdefghijklmnopqrstuvwxyz'];
  const taken = new Set(labels.map((l) => l.shortcut).filter(Boolean));
  const free = keys.filter((k) => !taken.has(k));
  return labels.map((l) => ({ name: l.name, shortcut: l.shortcut ?? free.shift() ?? null }));
}
