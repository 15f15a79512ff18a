import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { safeRedirectPath } from '../utils/session.server.ts';

export async function action({ context, request }: ActionFunctionArgs) {
  const form = await request.formData();
  // Already signed out (expired session, second tab): the outcome is the same, so just go on.
  if (context.user) await context.caller.auth.logOut();
  return redirect(safeRedirectPath(form.get('redirectTo'), '/login'));
}

export function loader() {
  return redirect('/');
}
