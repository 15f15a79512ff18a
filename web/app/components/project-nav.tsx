import { NavLink } from '@remix-run/react';

interface Props {
  projectId: number;
  /** Leads and owners also import samples and change learning settings. */
  canManage: boolean;
  /** Reviewers and above settle disagreements and suspected mislabels. */
  canReview: boolean;
}

/** Tabs of a project's pages. */
export function ProjectNav({ projectId, canManage, canReview }: Props) {
  const base = `/projects/${projectId}`;
  const tabs = [
    { to: base, label: 'Overview', end: true },
    { to: `${base}/label`, label: 'Label', end: false },
    { to: `${base}/explore`, label: 'Explore', end: false },
    ...(canReview ? [{ to: `${base}/review`, label: 'Review', end: false }] : []),
    { to: `${base}/team`, label: 'Team', end: false },
    { to: `${base}/models`, label: 'Models', end: false },
    { to: `${base}/monitoring`, label: 'Monitoring', end: false },
    { to: `${base}/api`, label: 'API', end: false },
    ...(canManage ? [{ to: `${base}/import`, label: 'Import', end: false }] : []),
    ...(canManage ? [{ to: `${base}/export`, label: 'Export', end: false }] : []),
    ...(canManage ? [{ to: `${base}/webhooks`, label: 'Webhooks', end: false }] : []),
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
