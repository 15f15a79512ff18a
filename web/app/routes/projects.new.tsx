import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { FormError, FormField } from '../components/form-field.tsx';
import { LabelSetEditor } from '../components/label-set-editor.tsx';
import { RouteError } from '../components/route-error.tsx';
import { formErrorsOf } from '../utils/errors.server.ts';
import { readText } from '../utils/form.ts';
import { sentence } from '../utils/format.ts';
import { requireUser } from '../utils/session.server.ts';

export const meta: MetaFunction = () => [{ title: 'New project · Sift' }];

export function loader({ context, request }: LoaderFunctionArgs) {
  requireUser(context, request);
  return null;
}

/** Pairs the editor's parallel fields into labels; rows left entirely blank are dropped. */
function readLabels(form: FormData): { name: string; shortcut?: string }[] {
  const names = form.getAll('labelName').map(String);
  const shortcuts = form.getAll('labelShortcut').map(String);
  return names
    .map((name, i) => ({ name, shortcut: shortcuts[i]?.trim().toLowerCase() || undefined }))
    .filter((label) => label.name.trim() !== '' || label.shortcut);
}

export async function action({ context, request }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const dataType = readText(form, 'dataType') === 'image' ? 'image' : 'text';
  let projectId: number;
  try {
    const project = await context.caller.projects.create({ name: readText(form, 'name'), dataType, labels: readLabels(form) });
    projectId = project.id;
  } catch (error) {
    return data(formErrorsOf(error), { status: 400 });
  }
  throw redirect(`/projects/${projectId}`);
}

export default function NewProjectPage() {
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === 'submitting';
  const labelErrors = result?.fieldErrors.labels?.map(sentence);
  return (
    <section className="panel narrow">
      <h1>New project</h1>
      <Form method="post" noValidate className="stack">
        <FormField label="Project name" name="name" required maxLength={200} autoFocus errors={result?.fieldErrors.name} />
        <fieldset className="choice-group">
          <legend>Data type</legend>
          <label className="choice">
            <input type="radio" name="dataType" value="text" defaultChecked />
            <span>
              <strong>Text</strong>
              <span className="muted"> (CSV or JSONL, one sample per row)</span>
            </span>
          </label>
          <label className="choice">
            <input type="radio" name="dataType" value="image" />
            <span>
              <strong>Images</strong>
              <span className="muted"> (PNG, JPEG, GIF, WebP, or zips of them)</span>
            </span>
          </label>
        </fieldset>
        <LabelSetEditor errors={labelErrors} />
        <FormError message={result?.formError} />
        <div className="actions">
          <button type="submit" className="button button--primary" disabled={submitting}>
            {submitting ? 'Creating…' : 'Create project'}
          </button>
          <Link to="/" className="button button--quiet">
            Cancel
          </Link>
        </div>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
