import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { ExportPanel } from '../components/export-panel.tsx';
import { RouteError } from '../components/route-error.tsx';
import { useProject } from '../utils/project.ts';
import { hasRole } from '../utils/roles.ts';
import { requireUser } from '../utils/session.server.ts';

export const meta: MetaFunction = () => [{ title: 'Export · Sift' }];

export function loader({ context, request }: LoaderFunctionArgs) {
  requireUser(context, request);
  // The origin this browser reached Sift on, so the curl example works when pasted as it is.
  return { origin: new URL(request.url).origin };
}

export default function ExportPage() {
  const { project, role, labels } = useProject();
  const { origin } = useLoaderData<typeof loader>();
  if (!hasRole(role, 'lead')) {
    return (
      <section className="panel error-panel" role="alert">
        <h2>Only leads and owners export data</h2>
        <p>An export holds every annotator's labels, names and emails. Ask the project's owner for a copy or to make you a lead.</p>
        <Link to={`/projects/${project.id}`} className="button">
          Back to the overview
        </Link>
      </section>
    );
  }
  // Keyed by project: the panel's default format depends on the data type (ZIP with the images for image projects).
  return <ExportPanel key={project.id} projectId={project.id} dataType={project.dataType} labels={labels} origin={origin} />;
}

export function ErrorBoundary() {
  return <RouteError />;
}
