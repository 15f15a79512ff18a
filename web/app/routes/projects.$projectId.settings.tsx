import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { LearningSettingsForm, type SettingsResult } from '../components/learning-settings-form.tsx';
import { RouteError } from '../components/route-error.tsx';
import { formErrorsOf, loadOrThrow } from '../utils/errors.server.ts';
import { formatCount } from '../utils/format.ts';
import { readSettingsForm } from '../utils/learning-settings.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { hasRole } from '../utils/roles.ts';
import { requireUser } from '../utils/session.server.ts';

export const meta: MetaFunction = () => [{ title: 'Settings · Sift' }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  return { status: await loadOrThrow(request, () => context.caller.models.status({ projectId })) };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  const form = readSettingsForm(await request.formData());
  if (!form.ok) return data<SettingsResult>({ ok: false, formError: null, fieldErrors: form.fieldErrors }, { status: 400 });
  try {
    const settings = await context.caller.models.updateSettings({ projectId, settings: form.settings });
    return data<SettingsResult>({ ok: true, settings });
  } catch (error) {
    // The server's own field messages are keyed by its input's `settings` object: show them whole.
    const { formError, fieldErrors } = formErrorsOf(error);
    return data<SettingsResult>({ ok: false, formError: formError ?? fieldErrors.settings?.[0] ?? 'the settings were not saved', fieldErrors: {} }, { status: 400 });
  }
}

export default function SettingsPage() {
  const { project, role } = useProject();
  const { status } = useLoaderData<typeof loader>();
  if (!hasRole(role, 'lead')) {
    return (
      <section className="panel error-panel" role="alert">
        <h2>Only leads and owners change learning settings</h2>
        <p>Ask the project's owner if the queue or the model should work differently.</p>
        <Link to={`/projects/${project.id}/models`} className="button">
          See the models
        </Link>
      </section>
    );
  }
  return (
    <div className="settings">
      <section className="panel narrow-wide" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Learning settings</h2>
        <p className="muted">
          Samples are prepared with {status.encoder} ({formatCount(status.embedding.embedded)} of {formatCount(status.embedding.total)} so far). A small model
          is trained on top as people label, and it orders the labeling queue.
        </p>
        <LearningSettingsForm settings={status.settings} />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
