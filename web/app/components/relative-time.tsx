import { formatRelative } from '../utils/format.ts';

/** "5 minutes ago". Server and browser clocks differ by a render, so the text may change on hydration. */
export function RelativeTime({ date }: { date: Date | string | null }) {
  if (!date) return <span className="muted">never</span>;
  const iso = new Date(date).toISOString();
  return (
    <time dateTime={iso} title={iso.replace('T', ' ').slice(0, 16) + ' UTC'} suppressHydrationWarning>
      {formatRelative(date)}
    </time>
  );
}
