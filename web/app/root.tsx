import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import stylesUrl from './styles/app.css?url';
import learningStylesUrl from './styles/learning.css?url';
import { AppHeader } from './components/app-header.tsx';
import { RouteError } from './components/route-error.tsx';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesUrl },
  { rel: 'stylesheet', href: learningStylesUrl },
  { rel: 'icon', href: 'data:,' },
];

export const meta: MetaFunction = () => [{ title: 'Sift' }, { name: 'description', content: 'Label text and images together while a model learns.' }];

export function loader({ context }: LoaderFunctionArgs) {
  const user = context.user;
  // Only what the header needs; the browser never sees more of the user row than this.
  return { user: user ? { id: user.id, name: user.name, email: user.email } : null };
}

/** The document shell, shared by the app and by error pages. */
export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <AppHeader user={data?.user ?? null} />
        <main id="main" className="page">
          {children}
        </main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <RouteError />;
}
