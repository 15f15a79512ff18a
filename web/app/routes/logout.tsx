import { redirect, type ActionFunctionArgs } from '@remix-run/node';

export async function action({ context }: ActionFunctionArgs) {
  // Already signed out (expired session, second tab): the outcome is the same, so just go on.
  if (context.user) await context.caller.auth.logOut();
  return redirect('/login');
}

export function loader() {
  return redirect('/');
}
