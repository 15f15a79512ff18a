import { formatCount } from '../utils/format.ts';
import type { PresenceEntry } from '../utils/socket.client.ts';
import type { RoomStatus } from '../utils/use-project-room.ts';
import { keyHints } from '../utils/labeling-keys.ts';
import { PresenceList } from './presence-list.tsx';
import { ProgressBar } from './progress-bar.tsx';

interface Props {
  resolvedCount: number;
  sampleCount: number;
  myCount: number;
  presence: PresenceEntry[];
  status: RoomStatus;
  meId: number | undefined;
  currentSampleId: number | null;
  /** Why the live counts couldn't refresh, if they couldn't. */
  statsError: string | null;
}

/** Live counts, who else is labeling, and a reminder of the keys. */
export function LabelingSidebar({ resolvedCount, sampleCount, myCount, presence, status, meId, currentSampleId, statsError }: Props) {
  return (
    <aside className="labeling__side">
      <section className="panel" aria-labelledby="counts-heading">
        <h2 id="counts-heading">Progress</h2>
        <p className="stat">
          Final labels <strong data-testid="labeled-count">{resolvedCount}</strong> of {formatCount(sampleCount)} samples
        </p>
        <ProgressBar value={resolvedCount} max={sampleCount} label="Labeling progress" />
        <p className="stat">
          Your annotations: <strong data-testid="my-count">{myCount}</strong>
        </p>
        {statsError ? <p className="warning-text small">Counts may be out of date: {statsError}</p> : null}
      </section>
      <section className="panel" aria-labelledby="here-heading">
        <h2 id="here-heading">Who else is here</h2>
        <PresenceList presence={presence} status={status} meId={meId} currentSampleId={currentSampleId} />
      </section>
      <section className="panel key-help" aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys</h2>
        <ul>
          <li>
            Label key (shown on each button): label and go to the next sample
          </li>
          <li>
            <kbd>{keyHints.skip}</kbd> skip this sample for now
          </li>
          <li>
            <kbd>{keyHints.undo}</kbd> or <kbd>Ctrl</kbd>+<kbd>Z</kbd> undo your last label
          </li>
        </ul>
      </section>
    </aside>
  );
}
