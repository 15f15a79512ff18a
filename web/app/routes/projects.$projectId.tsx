import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Outlet, useLoaderData } from '@remix-run/react';
import { ProjectNav } from '../components/project-nav.tsx';
import { ServiceBanner } from '../components/service-banner.tsx';
import { RouteError } from '../components/route-error.tsx';
import { loadOrThrow } from '../utils/errors.server.ts';
import { parseProjectId } from '../utils/params.ts';
import { hasRole } from '../utils/roles.ts';
import { requireUser } from '../utils/session.server.ts';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.project.name} · Sift` : 'Project · Sift' }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  return loadOrThrow(request, () => context.caller.projects.get({ projectId }));
}

// Counts change outside Remix (the tRPC labeling calls, other people), so refresh on every visit.
export const shouldRevalidate = () => true;

export default function ProjectLayout() {
  const { project, role } = useLoaderData<typeof loader>();
  return (
    <>
      <ServiceBanner />
      <div className="project-head">
        <div>
          <p className="eyebrow">
            {project.dataType === 'image' ? 'Image project' : 'Text project'} · you are {role === 'owner' || role === 'annotator' ? 'an' : 'a'} {role}
          </p>
          <h1 className="project-head__title">{project.name}</h1>
        </div>
        <ProjectNav projectId={project.id} canManage={hasRole(role, 'lead')} canReview={hasRole(role, 'reviewer')} />
      </div>
      <Outlet />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
