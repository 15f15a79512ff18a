import { useRouteLoaderData } from '@remix-run/react';
import type { loader as projectLoader } from '../routes/projects.$projectId.tsx';

/** The project layout's data (project, role, labels, stats, members) for its child routes. */
export function useProject() {
  const data = useRouteLoaderData<typeof projectLoader>('routes/projects.$projectId');
  // Children only render inside the layout, whose loader succeeded; anything else is a wiring bug.
  if (!data) throw new Error('useProject() is only available inside /projects/:projectId');
  return data;
}
