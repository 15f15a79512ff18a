import type { PresenceEntry } from '../utils/socket.client.ts';
import type { RoomStatus } from '../utils/use-project-room.ts';

interface Props {
  presence: PresenceEntry[];
  status: RoomStatus;
  meId: number | undefined;
  /** Shown when someone's focus is this sample ("same sample as you"). */
  currentSampleId?: number | null;
}

function describeFocus(entry: PresenceEntry, currentSampleId: number | null | undefined): string {
  if (entry.sampleId === null) return 'browsing';
  if (currentSampleId && entry.sampleId === currentSampleId) return `on sample #${entry.sampleId} (this one)`;
  return `on sample #${entry.sampleId}`;
}

/** Who has the project open right now, and which sample each is looking at. */
export function PresenceList({ presence, status, meId, currentSampleId }: Props) {
  const sorted = [...presence].sort((a, b) => Number(b.userId === meId) - Number(a.userId === meId) || a.name.localeCompare(b.name));
  return (
    <div className="presence">
      <p className="presence__status" data-testid="room-status">
        <span className={`dot dot--${status}`} aria-hidden="true" />
        {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Offline: counts may be out of date'}
      </p>
      <ul data-testid="presence-list" className="presence__list" aria-label="Online now">
        {sorted.map((entry) => (
          <li key={entry.userId} data-user-id={entry.userId}>
            <span className="avatar" aria-hidden="true">
              {entry.name.slice(0, 1).toUpperCase()}
            </span>
            <span className="presence__who">
              <span className="presence__name">
                {entry.name}
                {entry.userId === meId ? ' (you)' : ''}
              </span>
              <span className="presence__focus">{describeFocus(entry, currentSampleId)}</span>
            </span>
          </li>
        ))}
        {sorted.length === 0 ? <li className="muted">Nobody else yet</li> : null}
      </ul>
    </div>
  );
}
