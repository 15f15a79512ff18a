import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { FormError, FormField } from '../components/form-field.tsx';
import { formErrorsOf } from '../utils/errors.server.ts';
import { readText } from '../utils/form.ts';
import { safeRedirectPath } from '../utils/session.server.ts';

export const meta: MetaFunction = () => [{ title: 'Log in · Sift' }];

export function loader({ context, request }: LoaderFunctionArgs) {
  if (context.user) throw redirect(safeRedirectPath(new URL(request.url).searchParams.get('redirectTo')));
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = readText(form, 'email');
  try {
    // Sets the session cookie on the response (see cookieJarFor in server/http/session.ts).
    await context.caller.auth.logIn({ email, password: readText(form, 'password') });
  } catch (error) {
    return data({ ...formErrorsOf(error), email }, { status: 400 });
  }
  throw redirect(safeRedirectPath(form.get('redirectTo')));
}

export default function LogInPage() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const redirectTo = params.get('redirectTo') ?? '/';
  const submitting = useNavigation().state === 'submitting';
  const signupHref = redirectTo.startsWith('/invite/') ? `/signup?invite=${encodeURIComponent(redirectTo.slice('/invite/'.length))}` : '/signup';
  return (
    <section className="auth-card panel">
      <h1>Log in</h1>
      <Form method="post" noValidate className="stack">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormField label="Email" name="email" type="email" autoComplete="email" required defaultValue={result?.email} errors={result?.fieldErrors.email} />
        <FormField label="Password" name="password" type="password" autoComplete="current-password" required errors={result?.fieldErrors.password} />
        <FormError message={result?.formError} />
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? 'Logging in…' : 'Log in'}
        </button>
      </Form>
      <p className="muted">
        New here? <Link to={signupHref}>Create an account</Link>
      </p>
    </section>
  );
}
