import { Link, isRouteErrorResponse, useRouteError } from '@remix-run/react';
import { sentence } from '../utils/format.ts';

const titles: Record<number, string> = {
  400: 'That request was not valid',
  403: "You don't have access to this",
  404: 'Not found',
  409: 'That conflicts with something else',
  429: 'Too many attempts',
  503: 'Temporarily unavailable',
};

/** The body of every ErrorBoundary: what went wrong in words, and a way back. */
export function RouteError() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail = isRouteErrorResponse(error) && typeof error.data === 'string' && error.data ? sentence(error.data) : null;
  const title = titles[status] ?? 'Something went wrong';
  return (
    <section className="panel error-panel" role="alert">
      <p className="eyebrow">Error {status}</p>
      <h1>{title}</h1>
      <p>{detail ?? (status === 500 ? 'The server could not finish this request. Try again in a moment.' : 'Check the address and try again.')}</p>
      <p>
        <Link to="/" className="button">
          Back to projects
        </Link>
      </p>
    </section>
  );
}
