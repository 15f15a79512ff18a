import { Form, Link, NavLink } from '@remix-run/react';

interface Props {
  user: { name: string; email: string } | null;
}

/** Brand, the projects link, and who is signed in. */
export function AppHeader({ user }: Props) {
  return (
    <header className="app-header">
      <div className="app-header__inner">
        <Link to="/" className="brand" aria-label="Sift home">
          <span className="brand__mark" aria-hidden="true" />
          Sift
        </Link>
        {user ? (
          <nav className="app-header__nav" aria-label="Main">
            <NavLink to="/" end>
              Projects
            </NavLink>
          </nav>
        ) : null}
        <div className="app-header__user">
          {user ? (
            <>
              <span className="app-header__name" title={user.email}>
                {user.name}
              </span>
              <Form method="post" action="/logout">
                <button type="submit" className="button button--quiet">
                  Log out
                </button>
              </Form>
            </>
          ) : (
            <>
              <Link to="/login" className="button button--quiet">
                Log in
              </Link>
              <Link to="/signup" className="button button--quiet">
                Sign up
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
