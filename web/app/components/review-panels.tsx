import { Link } from '@remix-run/react';
import { formatCount } from '../utils/format.ts';
import { labelNameOf } from '../utils/review-events.ts';
import { describeHitRate, type DisagreementList, type SuspectList } from '../utils/review-queue.ts';
import { DisagreementCard } from './disagreement-card.tsx';
import { SuspectCard } from './suspect-card.tsx';

type Labels = { id: number; name: string; shortcut: string | null }[];

/** "Showing the first 50 of 120." when the server sent a page of a longer list. */
function MoreNote({ shown, total }: { shown: number; total: number }) {
  if (total <= shown) return null;
  return (
    <p className="muted small">
      Showing the first {formatCount(shown)} of {formatCount(total)}. More appear as these are resolved.
    </p>
  );
}

interface DisagreementProps {
  list: DisagreementList;
  labels: Labels;
  busy: ReadonlySet<number>;
  /** Leads and owners can change how many annotators see each sample. */
  settingsUrl: string | null;
  onResolve: (sampleId: number, labelId: number, labelName: string) => void;
}

/** Samples the annotators disagree on, oldest first; the first answers to the label keys. */
export function DisagreementPanel({ list, labels, busy, settingsUrl, onResolve }: DisagreementProps) {
  if (list.items.length === 0) {
    return (
      <div className="panel empty" data-testid="disagreements-empty">
        <p>
          <strong>No disagreements to review.</strong>
        </p>
        <p className="muted">
          When annotators label the same sample differently, it waits here for your final label. Samples are only compared when more than one
          person labels each (“Annotators per sample” in the settings).
        </p>
        {settingsUrl ? (
          <div className="actions">
            <Link to={settingsUrl} className="button">
              Open settings
            </Link>
          </div>
        ) : null}
      </div>
    );
  }
  return (
    <div className="review__list">
      <MoreNote shown={list.items.length} total={list.total} />
      {list.items.map((item, i) => (
        <DisagreementCard
          key={item.sample.id}
          item={item}
          labels={labels}
          busy={busy.has(item.sample.id)}
          keyboard={i === 0}
          onResolve={(labelId) => onResolve(item.sample.id, labelId, labelNameOf(labels, labelId))}
        />
      ))}
    </div>
  );
}

interface SuspectProps {
  list: SuspectList;
  labels: Labels;
  busy: ReadonlySet<number>;
  onDecide: (sampleId: number, decision: 'accept' | 'dismiss') => void;
  projectId: number;
  /** Toggles between the flagged suspects and every ranked one. */
  showAllUrl: string;
  showingAll: boolean;
}

/** Labels the model doubts, most suspicious first, under a line on how often it was right to. */
export function SuspectPanel({ list, labels, busy, onDecide, projectId, showAllUrl, showingAll }: SuspectProps) {
  return (
    <div className="review__list">
      <p className="callout" data-testid="hit-rate">
        {describeHitRate(list.hitRate)}
      </p>
      <p className="muted">
        {showingAll ? 'Showing every labeled sample the model ranked, most doubtful first; the ones it flags as likely wrong are marked. ' : 'Showing the labels the model flags as likely wrong. '}
        <Link to={showAllUrl} data-testid="suspects-scope">
          {showingAll ? 'Show only flagged labels' : 'Also show labels it is less sure about'}
        </Link>
      </p>
      {list.items.length === 0 ? (
        <div className="panel empty" data-testid="suspects-empty">
          <p>
            <strong>No suspected mislabels right now.</strong>
          </p>
          <p className="muted">
            After each new model version, Sift checks the labeled samples and lists the labels it doubts most here. Keep labeling and check back
            after the next version.
          </p>
        </div>
      ) : (
        <>
          {showingAll ? null : <MoreNote shown={list.items.length} total={list.open} />}
          {list.items.map((item) => (
            <SuspectCard
              key={item.sampleId}
              projectId={projectId}
              item={item}
              labels={labels}
              busy={busy.has(item.sampleId)}
              markFlagged={showingAll}
              onDecide={(d) => onDecide(item.sampleId, d)}
            />
          ))}
        </>
      )}
    </div>
  );
}
