import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { InviteForm } from '../components/invite-form.tsx';
import { RelativeTime } from '../components/relative-time.tsx';
import { RouteError } from '../components/route-error.tsx';
import { formErrorsOf, loadOrThrow } from '../utils/errors.server.ts';
import { readText } from '../utils/form.ts';
import type { InviteResult } from '../utils/invite.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { invitableRoles } from '../utils/roles.ts';
import { requireUser } from '../utils/session.server.ts';

export const meta: MetaFunction = () => [{ title: 'Members · Sift' }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  return loadOrThrow(request, () => context.caller.projects.members({ projectId }));
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  const form = await request.formData();
  const email = readText(form, 'email');
  const role = invitableRoles.find((r) => r === readText(form, 'role')) ?? 'annotator';
  try {
    const invite = await context.caller.projects.invite({ projectId, email, role });
    return data<InviteResult>({ ok: true, invite: { path: invite.path, email: email.trim().toLowerCase(), role } });
  } catch (error) {
    return data<InviteResult>({ ok: false, ...formErrorsOf(error) }, { status: 400 });
  }
}

export default function MembersPage() {
  const { role } = useProject();
  const { members, invites } = useLoaderData<typeof loader>();
  return (
    <div className="members">
      <section className="panel" aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.userId}>
                  <td>{m.name}</td>
                  <td>{m.email}</td>
                  <td>
                    <span className="badge badge--quiet">{m.role}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {role === 'owner' ? (
        <section className="panel" aria-labelledby="invite-heading">
          <h2 id="invite-heading">Invite someone</h2>
          <InviteForm />
          <h3>Pending invites</h3>
          {invites.length === 0 ? (
            <p className="muted">No pending invites.</p>
          ) : (
            <ul className="invite-list">
              {invites.map((invite) => (
                <li key={invite.id}>
                  <span>{invite.email}</span>
                  <span className="badge badge--quiet">{invite.role}</span>
                  <span className="muted">
                    expires <RelativeTime date={invite.expiresAt} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : (
        <p className="muted">Only the project's owner can invite people.</p>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
