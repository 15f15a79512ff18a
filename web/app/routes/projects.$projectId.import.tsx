import type { MetaFunction } from '@remix-run/node';
import { Link } from '@remix-run/react';
import { ImageImport } from '../components/image-import.tsx';
import { RouteError } from '../components/route-error.tsx';
import { TextImport } from '../components/text-import.tsx';
import { useProject } from '../utils/project.ts';
import { hasRole } from '../utils/roles.ts';

export const meta: MetaFunction = () => [{ title: 'Import · Sift' }];

// No loader of its own: the project layout's loader signs the user in and loads the project.
export default function ImportPage() {
  const { project, role, labels, importLimits } = useProject();
  if (!hasRole(role, 'lead')) {
    return (
      <section className="panel error-panel" role="alert">
        <h2>Only leads and owners import samples</h2>
        <p>Ask the project's owner to import data or to make you a lead.</p>
        <Link to={`/projects/${project.id}`} className="button">
          Back to the overview
        </Link>
      </section>
    );
  }
  return (
    <section className="panel narrow-wide" aria-labelledby="import-heading">
      <h2 id="import-heading">Import {project.dataType === 'image' ? 'images' : 'text'}</h2>
      {project.dataType === 'image' ? (
        <ImageImport projectId={project.id} limits={importLimits} />
      ) : (
        <TextImport projectId={project.id} limits={importLimits} labelNames={labels.map((l) => l.name)} />
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
