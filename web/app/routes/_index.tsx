import { redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { ProgressBar } from '../components/progress-bar.tsx';
import { RouteError } from '../components/route-error.tsx';
import { loadOrThrow } from '../utils/errors.server.ts';
import { formatCount, percentOf } from '../utils/format.ts';

export const meta: MetaFunction = () => [{ title: 'Projects · Sift' }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (!context.user) throw redirect('/login');
  return { projects: await loadOrThrow(request, () => context.caller.projects.list()) };
}

export default function ProjectsPage() {
  const { projects } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-head">
        <h1>Projects</h1>
        <Link to="/projects/new" className="button button--primary">
          New project
        </Link>
      </div>
      {projects.length === 0 ? (
        <section className="panel empty">
          <h2>No projects yet</h2>
          <p>Create a project, import some text or images, and start labeling. Teammates join through invite links.</p>
          <Link to="/projects/new" className="button button--primary">
            Create your first project
          </Link>
        </section>
      ) : (
        <ul className="project-list">
          {projects.map((p) => (
            <li key={p.id} className="panel project-card">
              <div className="project-card__head">
                <Link to={`/projects/${p.id}`} className="project-card__name" data-testid={`project-link-${p.id}`}>
                  {p.name}
                </Link>
                <span className="badge">{p.dataType}</span>
                <span className="badge badge--quiet">{p.role}</span>
              </div>
              <ProgressBar value={p.labeledCount} max={p.sampleCount} label={`${p.name}: labeling progress`} />
              <p className="project-card__counts muted">
                {formatCount(p.labeledCount)} of {formatCount(p.sampleCount)} samples labeled · {percentOf(p.labeledCount, p.sampleCount)}%
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
