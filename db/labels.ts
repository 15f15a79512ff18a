import type { Db } from './client.ts';
import type { LabelRow } from './schema.ts';

/** One class of a project's label set. */
export interface Label {
  id: number;
  name: string;
  position: number;
  shortcut: string | null;
}

export function labelRowToLabel(row: LabelRow): Label {
  return { id: row.id, name: row.name, position: row.position, shortcut: row.shortcut };
}

export async function listLabels(db: Db, projectId: number): Promise<Label[]> {
  const rows = await db.selectFrom('label').selectAll().where('project_id', '=', projectId).orderBy('position').execute();
  return rows.map(labelRowToLabel);
}

export async function findLabel(db: Db, projectId: number, labelId: number): Promise<Label | undefined> {
  const row = await db
    .selectFrom('label')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', labelId)
    .executeTakeFirst();
  return row ? labelRowToLabel(row) : undefined;
}
