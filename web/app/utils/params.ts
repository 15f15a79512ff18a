/** The numeric project id from route params; anything else is a 404 rather than a crash. */
export function parseProjectId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response('There is no such project.', { status: 404 });
  return id;
}
