import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { RouteError } from '../components/route-error.tsx';
import { WebhookDeliveries } from '../components/webhook-deliveries.tsx';
import { WebhooksPanel } from '../components/webhooks-panel.tsx';
import { formErrorsOf, loadOrThrow } from '../utils/errors.server.ts';
import { readText } from '../utils/form.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { hasRole } from '../utils/roles.ts';
import { requireUser } from '../utils/session.server.ts';
import type { WebhookIntent, WebhookResult } from '../utils/webhooks.ts';
import apiStylesUrl from '../styles/api.css?url';
import webhookStylesUrl from '../styles/webhooks.css?url';

export const meta: MetaFunction = () => [{ title: 'Webhooks · Sift' }];

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: apiStylesUrl },
  { rel: 'stylesheet', href: webhookStylesUrl },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  try {
    const [{ webhooks }, { attempts }] = await loadOrThrow(request, () =>
      Promise.all([context.caller.webhooks.list({ projectId }), context.caller.webhooks.deliveries({ projectId, limit: 50 })]),
    );
    return { webhooks, attempts };
  } catch (error) {
    // Only leads and owners manage webhooks; the page says so to everyone else.
    if (error instanceof Response && error.status === 403) return { webhooks: null, attempts: [] };
    throw error;
  }
}

const INTENTS: WebhookIntent[] = ['create', 'toggle', 'remove', 'test'];

export async function action({ context, request, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  const form = await request.formData();
  const intent = INTENTS.find((i) => i === readText(form, 'intent')) ?? 'create';
  const webhookId = Number(readText(form, 'webhookId'));
  try {
    if (intent === 'toggle') {
      await context.caller.webhooks.update({ projectId, webhookId, enabled: readText(form, 'enabled') === 'true' });
      return data<WebhookResult>({ ok: true, intent, webhookId });
    }
    if (intent === 'remove') {
      await context.caller.webhooks.remove({ projectId, webhookId });
      return data<WebhookResult>({ ok: true, intent, webhookId });
    }
    if (intent === 'test') {
      const { queued } = await context.caller.webhooks.test({ projectId, webhookId });
      return data<WebhookResult>({ ok: true, intent, webhookId, queued });
    }
    const events = form.getAll('event').filter((v): v is string => typeof v === 'string') as never[];
    const threshold = readText(form, 'reviewQueueThreshold');
    const secret = readText(form, 'secret');
    const { webhook, secret: shown } = await context.caller.webhooks.create({
      projectId,
      url: readText(form, 'url'),
      events,
      reviewQueueThreshold: threshold === '' ? undefined : Number(threshold),
      secret: secret === '' ? undefined : secret,
    });
    return data<WebhookResult>({ ok: true, intent, webhook, secret: shown });
  } catch (error) {
    return data<WebhookResult>({ ok: false, intent, ...formErrorsOf(error) }, { status: 400 });
  }
}

export default function WebhooksPage() {
  const { project, role } = useProject();
  const { webhooks, attempts } = useLoaderData<typeof loader>();
  if (!webhooks || !hasRole(role, 'lead')) {
    return (
      <section className="panel error-panel" role="alert">
        <h2>Only leads and owners manage webhooks</h2>
        <p>Webhooks post this project's events to other systems. Ask the project's owner to set one up or to make you a lead.</p>
        <Link to={`/projects/${project.id}`} className="button">
          Back to the overview
        </Link>
      </section>
    );
  }
  return (
    <div className="api-page">
      <WebhooksPanel webhooks={webhooks} />
      <WebhookDeliveries projectId={project.id} attempts={attempts} webhooks={webhooks} />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
