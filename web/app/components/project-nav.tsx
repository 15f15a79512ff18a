import { NavLink } from '@remix-run/react';

interface Props {
  projectId: number;
  /** Leads and owners also import samples and change learning settings. */
  canManage: boolean;
}

/** Tabs of a project's pages. */
export function ProjectNav({ projectId, canManage }: Props) {
  const base = `/projects/${projectId}`;
  const tabs = [
    { to: base, label: 'Overview', end: true },
    { to: `${base}/label`, label: 'Label', end: false },
    { to: `${base}/models`, label: 'Models', end: false },
    ...(canManage ? [{ to: `${base}/import`, label: 'Import', end: false }] : []),
    { to: `${base}/members`, label: 'Members', end: false },
    ...(canManage ? [{ to: `${base}/settings`, label: 'Settings', end: false }] : []),
  ];
  return (
    <nav className="tabs" aria-label="Project">
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end={tab.end} className="tabs__tab" prefetch="intent">
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
