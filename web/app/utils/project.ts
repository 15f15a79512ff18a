import { useRouteLoaderData } from '@remix-run/react';
import type { loader as projectLoader } from '../routes/projects.$projectId.tsx';

/** The project layout's data (project, role, labels, stats, members) for its child routes. */
export function useProject() {
  const data = useRouteLoaderData<typeof projectLoader>('routes/projects.$projectId');
  // Children only render inside the layout, whose loader succeeded; anything else is a wiring bug.
  if (!data) throw new Error('useProject() is only available inside /projects/:projectId');
  return data;
}

/** The numeric id from route params; anything else is a 404 rather than a crash. */
export function parseProjectId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response('There is no such project.', { status: 404 });
  return id;
}
