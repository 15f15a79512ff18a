import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { ApiOperation } from '../components/api-operation.tsx';
import { RouteError } from '../components/route-error.tsx';
import { isOpenApiDocument, operationsOf } from '../utils/openapi.ts';
import apiStylesUrl from '../styles/api.css?url';
import { Described } from '../components/described.tsx';

export const meta: MetaFunction = () => [{ title: 'API reference · Sift' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: apiStylesUrl }];

const DOCUMENT_PATH = '/api/v1/openapi.json';

/**
 * Rendered from the server's own OpenAPI document (fetched, since web/ may not import server
 * code), so this page states exactly what the running server does, limits included.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(DOCUMENT_PATH, request.url);
  const res = await fetch(url, { headers: { accept: 'application/json' } }).catch(() => null);
  const doc: unknown = res?.ok ? await res.json() : null;
  if (!isOpenApiDocument(doc)) throw new Response('the API description could not be loaded; try again in a moment', { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return { doc, origin: url.origin };
}

export default function ApiDocsPage() {
  const { doc, origin } = useLoaderData<typeof loader>();
  const baseUrl = `${origin}${doc.servers[0]?.url ?? ''}`;
  const schemes = Object.entries(doc.components.securitySchemes);
  return (
    <div className="api-docs">
      <div className="page-head api-docs__head">
        <div>
          <p className="eyebrow">API reference · version {doc.info.version}</p>
          <h1>{doc.info.title}</h1>
        </div>
        <a className="button" href={DOCUMENT_PATH} download="sift-openapi.json">
          Download openapi.json
        </a>
      </div>
      <section className="panel" aria-labelledby="basics-heading">
        <h2 id="basics-heading">Basics</h2>
        <p>
          <Described text={doc.info.description} />
        </p>
        <dl className="facts api-docs__facts">
          <div className="api-docs__base">
            <dt>Base URL</dt>
            <dd>
              <code>{baseUrl}</code>
            </dd>
          </div>
          <div>
            <dt>Format</dt>
            <dd>JSON in, JSON out (images may also be uploaded as files)</dd>
          </div>
          <div>
            <dt>Machine-readable</dt>
            <dd>
              <a href={DOCUMENT_PATH}>OpenAPI {doc.openapi}</a>
            </dd>
          </div>
        </dl>
        <h3>Authentication</h3>
        {schemes.map(([name, scheme]) => (
          <div key={name}>
            <p>{scheme.description}</p>
            <p>
              Send it in every request as <code>Authorization: Bearer {scheme.bearerFormat}</code>. Keep keys on your server: anyone with a key can
              call the API for its project, and a revoked key stops working at once.
            </p>
          </div>
        ))}
      </section>
      {operationsOf(doc).map((entry) => (
        <ApiOperation key={`${entry.method} ${entry.path}`} doc={doc} entry={entry} baseUrl={baseUrl} />
      ))}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
