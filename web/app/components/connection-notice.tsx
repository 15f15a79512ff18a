interface Props {
  /** A label given while the server cannot be reached, waiting to be sent. */
  pendingLabel: string | null;
  /** The live connection to the project is down (a server restart, a network drop). */
  offline: boolean;
}

/** Says that the server is out of reach and what happens to the labels given meanwhile. */
export function ConnectionNotice({ pendingLabel, offline }: Props) {
  if (!pendingLabel && !offline) return null;
  return (
    <p className="callout callout--warning" role="status" data-testid="connection-notice">
      <strong>Reconnecting…</strong>{' '}
      {pendingLabel
        ? `The server can't be reached. Your label “${pendingLabel}” is kept and will be sent as soon as it is back.`
        : 'Live updates are paused. Labels you give are kept and sent as soon as the server is back.'}
    </p>
  );
}
