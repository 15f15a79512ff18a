import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { FormError, FormField } from '../components/form-field.tsx';
import { formErrorsOf } from '../utils/errors.server.ts';
import { readText } from '../utils/form.ts';
import { sentence } from '../utils/format.ts';

export const meta: MetaFunction = () => [{ title: 'Sign up · Sift' }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('invite');
  if (context.user) throw redirect(token ? `/invite/${encodeURIComponent(token)}` : '/');
  if (!token) return { token: null, invite: null, inviteError: null };
  try {
    return { token, invite: await context.caller.projects.inviteInfo({ token }), inviteError: null };
  } catch (error) {
    // A bad link shouldn't block signing up; say what's wrong with it and carry on without it.
    return { token: null, invite: null, inviteError: formErrorsOf(error).formError ?? 'this invite link is not valid' };
  }
}

export async function action({ context, request }: ActionFunctionArgs) {
  const form = await request.formData();
  const values = { name: readText(form, 'name'), email: readText(form, 'email') };
  const inviteToken = readText(form, 'inviteToken') || undefined;
  try {
    const { joinedProjectId } = await context.caller.auth.signUp({ ...values, password: readText(form, 'password'), inviteToken });
    throw redirect(joinedProjectId ? `/projects/${joinedProjectId}` : '/');
  } catch (error) {
    if (error instanceof Response) throw error;
    return data({ ...formErrorsOf(error), values }, { status: 400 });
  }
}

export default function SignUpPage() {
  const { token, invite, inviteError } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === 'submitting';
  // An invite can only be accepted by the address it was sent to, so don't offer another.
  const lockedEmail = invite?.status === 'open' ? invite.email : null;
  const loginHref = token ? `/login?redirectTo=${encodeURIComponent(`/invite/${token}`)}` : '/login';
  return (
    <section className="auth-card panel">
      <h1>Create your account</h1>
      {invite ? (
        <p className="callout">
          You're invited to join <strong>{invite.projectName}</strong> as {invite.role}.
          {invite.status !== 'open' ? ` This invite has ${invite.status === 'expired' ? 'expired' : 'already been used'}.` : ''}
        </p>
      ) : null}
      {inviteError ? <p className="callout callout--warning">{sentence(inviteError)}</p> : null}
      <Form method="post" noValidate className="stack">
        {token ? <input type="hidden" name="inviteToken" value={token} /> : null}
        <FormField label="Name" name="name" autoComplete="name" required defaultValue={result?.values.name} errors={result?.fieldErrors.name} />
        <FormField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={lockedEmail ?? result?.values.email}
          readOnly={Boolean(lockedEmail)}
          errors={result?.fieldErrors.email}
          hint={lockedEmail ? 'The invite is for this address.' : undefined}
        />
        <FormField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          errors={result?.fieldErrors.password}
          hint="At least 8 characters."
        />
        <FormError message={result?.formError} />
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? 'Creating account…' : 'Sign up'}
        </button>
      </Form>
      <p className="muted">
        Already have an account? <Link to={loginHref}>Log in</Link>
      </p>
    </section>
  );
}
