import { NavLink, useLocation } from '@remix-run/react';
import { useEffect, useRef } from 'react';

interface Props {
  projectId: number;
  /** Leads and owners also import samples and change learning settings. */
  canManage: boolean;
  /** Reviewers and above settle disagreements and suspected mislabels. */
  canReview: boolean;
}

interface Tab {
  to: string;
  label: string;
  end?: boolean;
}

/**
 * Tabs of a project's pages, in four groups a divider apart: the labeling work, the model and its
 * API, data in and out, and the project's people and settings. On a narrow screen they are one row
 * that scrolls sideways, kept with the open tab in view.
 */
export function ProjectNav({ projectId, canManage, canReview }: Props) {
  const base = `/projects/${projectId}`;
  const when = (allowed: boolean, tabs: Tab[]) => (allowed ? tabs : []);
  const groups: { name: string; tabs: Tab[] }[] = [
    {
      name: 'Labeling',
      tabs: [
        { to: base, label: 'Overview', end: true },
        { to: `${base}/label`, label: 'Label' },
        { to: `${base}/explore`, label: 'Explore' },
        ...when(canReview, [{ to: `${base}/review`, label: 'Review' }]),
        { to: `${base}/team`, label: 'Team' },
      ],
    },
    {
      name: 'Model',
      tabs: [
        { to: `${base}/models`, label: 'Models' },
        { to: `${base}/monitoring`, label: 'Monitoring' },
        { to: `${base}/api`, label: 'API' },
      ],
    },
    {
      name: 'Data',
      tabs: when(canManage, [
        { to: `${base}/import`, label: 'Import' },
        { to: `${base}/export`, label: 'Export' },
        { to: `${base}/webhooks`, label: 'Webhooks' },
      ]),
    },
    {
      name: 'Project',
      tabs: [{ to: `${base}/members`, label: 'Members' }, ...when(canManage, [{ to: `${base}/settings`, label: 'Settings' }])],
    },
  ];

  const nav = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  useEffect(() => {
    // Only the bar scrolls (never the page), and only when it overflows.
    const bar = nav.current;
    const active = bar?.querySelector<HTMLElement>('.tabs__tab.active');
    if (!bar || !active || bar.scrollWidth <= bar.clientWidth) return;
    bar.scrollLeft = active.offsetLeft - bar.offsetLeft - (bar.clientWidth - active.offsetWidth) / 2;
  }, [pathname]);

  return (
    <nav className="tabs" aria-label="Project" ref={nav}>
      {groups
        .filter((group) => group.tabs.length > 0)
        .map((group) => (
          <div key={group.name} className="tabs__group" role="group" aria-label={group.name}>
            {group.tabs.map((tab) => (
              <NavLink key={tab.to} to={tab.to} end={tab.end ?? false} className="tabs__tab" prefetch="intent">
                {tab.label}
              </NavLink>
            ))}
          </div>
        ))}
    </nav>
  );
}
