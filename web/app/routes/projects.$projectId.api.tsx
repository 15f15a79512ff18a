import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { ApiKeysPanel } from '../components/api-keys-panel.tsx';
import { ApiSnippets } from '../components/api-snippets.tsx';
import { RouteError } from '../components/route-error.tsx';
import type { ApiKeyResult, ApiKeyScope } from '../utils/api-keys.ts';
import { formErrorsOf, loadOrThrow } from '../utils/errors.server.ts';
import { readText } from '../utils/form.ts';
import { findLiveVersion } from '../utils/models.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { requireUser } from '../utils/session.server.ts';
import apiStylesUrl from '../styles/api.css?url';

export const meta: MetaFunction = () => [{ title: 'API · Sift' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: apiStylesUrl }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  const { versions } = await loadOrThrow(request, () => context.caller.models.list({ projectId }));
  let keys = null;
  try {
    keys = (await loadOrThrow(request, () => context.caller.apiKeys.list({ projectId }))).keys;
  } catch (error) {
    // The server decides who manages keys; everyone else still gets the examples.
    if (!(error instanceof Response && error.status === 403)) throw error;
  }
  // The origin this browser reached Sift on, so the examples work when pasted as they are.
  return { keys, origin: new URL(request.url).origin, liveVersion: findLiveVersion(versions)?.version ?? null };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  const form = await request.formData();
  const intent = readText(form, 'intent') === 'revoke' ? 'revoke' : 'create';
  try {
    if (intent === 'revoke') {
      const { revoked } = await context.caller.apiKeys.revoke({ projectId, keyId: Number(readText(form, 'keyId')) });
      return data<ApiKeyResult>({ ok: true, intent, keyId: revoked });
    }
    // Unchecked boxes are absent; none checked is the server's to refuse (a key needs a scope).
    const scopes = form.getAll('scope').filter((v): v is string => typeof v === 'string') as ApiKeyScope[];
    const { key, apiKey } = await context.caller.apiKeys.create({ projectId, name: readText(form, 'name'), scopes });
    return data<ApiKeyResult>({ ok: true, intent, key, apiKey });
  } catch (error) {
    return data<ApiKeyResult>({ ok: false, intent, ...formErrorsOf(error) }, { status: 400 });
  }
}

export default function ApiPage() {
  const { project } = useProject();
  const { keys, origin, liveVersion } = useLoaderData<typeof loader>();
  return (
    <div className="api-page">
      {keys ? (
        <ApiKeysPanel keys={keys} />
      ) : (
        <p className="callout" data-testid="keys-ask-lead">
          <strong>Need a key?</strong> Only leads and owners create and revoke API keys: ask one of them for a key for your app.
        </p>
      )}
      <ApiSnippets target={{ origin, projectId: project.id, dataType: project.dataType }} liveVersion={liveVersion} />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
