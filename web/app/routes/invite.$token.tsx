import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { FormError } from '../components/form-field.tsx';
import { RouteError } from '../components/route-error.tsx';
import { formErrorsOf, loadOrThrow } from '../utils/errors.server.ts';
import { requireUser } from '../utils/session.server.ts';

export const meta: MetaFunction = () => [{ title: 'Invitation · Sift' }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const token = params.token ?? '';
  const invite = await loadOrThrow(request, () => context.caller.projects.inviteInfo({ token }));
  return { token, invite, signedInAs: context.user?.email.toLowerCase() ?? null };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  requireUser(context, request);
  let projectId: number;
  try {
    ({ projectId } = await context.caller.projects.acceptInvite({ token: params.token ?? '' }));
  } catch (error) {
    return data(formErrorsOf(error), { status: 400 });
  }
  throw redirect(`/projects/${projectId}`);
}

export default function InvitePage() {
  const { token, invite, signedInAs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === 'submitting';
  const here = `/invite/${encodeURIComponent(token)}`;
  return (
    <section className="auth-card panel">
      <p className="eyebrow">Invitation</p>
      <h1>Join {invite.projectName}</h1>
      <p>
        You're invited as <strong>{invite.role}</strong> ({invite.email}).
      </p>
      {invite.status !== 'open' ? (
        <p className="callout callout--warning">
          This invite {invite.status === 'expired' ? 'has expired' : 'was already used'}. Ask the project's owner for a new link.
        </p>
      ) : signedInAs && signedInAs !== invite.email.toLowerCase() ? (
        <Form method="post" action="/logout" className="stack">
          <p className="callout callout--warning">
            You're signed in as {signedInAs}, but only {invite.email} can accept this invite.
          </p>
          <input type="hidden" name="redirectTo" value={`/login?redirectTo=${encodeURIComponent(here)}`} />
          <button type="submit" className="button">
            Log out and sign in as {invite.email}
          </button>
        </Form>
      ) : signedInAs ? (
        <Form method="post" className="stack">
          <FormError message={result?.formError} />
          <button type="submit" className="button button--primary" disabled={submitting}>
            {submitting ? 'Joining…' : 'Accept invite'}
          </button>
        </Form>
      ) : (
        <div className="actions">
          <Link to={`/signup?invite=${encodeURIComponent(token)}`} className="button button--primary">
            Sign up to join
          </Link>
          <Link to={`/login?redirectTo=${encodeURIComponent(here)}`} className="button">
            Log in
          </Link>
        </div>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
