import { useFetcher } from '@remix-run/react';
import { useEffect, useId, useRef } from 'react';
import type { InviteResult } from '../utils/invite.ts';
import { invitableRoles } from '../utils/roles.ts';
import { CopyButton } from './copy-button.tsx';
import { FormError, FormField } from './form-field.tsx';

/** The owner's invite form; on success shows the one-time invite link with a copy button. */
export function InviteForm() {
  const id = useId();
  const fetcher = useFetcher<InviteResult>();
  const formRef = useRef<HTMLFormElement>(null);
  const result = fetcher.data;
  const invite = result?.ok ? result.invite : null;
  // The server only knows the path; the origin is wherever this browser reached Sift.
  const link = invite && typeof window !== 'undefined' ? new URL(invite.path, window.location.origin).href : invite?.path;

  useEffect(() => {
    if (invite) formRef.current?.reset();
  }, [invite]);

  return (
    <div className="stack">
      <fetcher.Form method="post" ref={formRef} noValidate className="invite-form">
        <FormField label="Email" name="email" type="email" autoComplete="off" required errors={result?.ok === false ? result.fieldErrors.email : undefined} />
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} name="role" defaultValue="annotator">
            {invitableRoles.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--primary" disabled={fetcher.state !== 'idle'}>
          {fetcher.state !== 'idle' ? 'Creating…' : 'Create invite link'}
        </button>
      </fetcher.Form>
      <FormError message={result?.ok === false ? result.formError : null} />
      {invite && link ? (
        <div className="callout callout--success">
          <p>
            Invite link for <strong>{invite.email}</strong> ({invite.role}). It is shown only now and works once, for 7 days.
          </p>
          <div className="invite-link">
            <code data-testid="invite-link">{link}</code>
            <CopyButton text={link} label="Copy link" />
          </div>
        </div>
      ) : null}
    </div>
  );
}
