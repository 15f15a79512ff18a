import type { TrainerMemory } from '#server/health/trainer-memory.service.ts';
import { formatBytes, formatCount, pluralize } from '../utils/format.ts';
import { RelativeTime } from './relative-time.tsx';

/**
 * One line on the trainer's memory (the instance's trainer, shared by every project): what it holds
 * now against its ceiling, and its restarts past the ceiling. Without a fresh report it says so
 * rather than showing an old figure.
 */
export function TrainerMemoryLine({ memory }: { memory: TrainerMemory | null }) {
  const current = memory?.current;
  const ceiling = memory?.maxRssBytes ? `ceiling ${formatBytes(memory.maxRssBytes)}` : 'no ceiling';
  const last = memory?.lastRestartForMemory;
  return (
    <p className="trainer-memory" data-testid="trainer-memory">
      <strong>Trainer memory: </strong>
      {current ? (
        <span data-testid="trainer-memory-rss">
          {formatBytes(current.rssBytes)} resident, {ceiling}
          <span className="muted">
            {' '}
            (heap {formatBytes(current.heapUsedBytes)}, {pluralize(current.tensors, 'tensor')}; reported <RelativeTime date={current.reportedAt} />)
          </span>
        </span>
      ) : (
        <span className="muted">not reported in the last 30 s (the trainer is stopped, starting or restarting){memory ? `; ${ceiling}` : ''}</span>
      )}
      {memory && memory.restartsForMemory > 0 && last ? (
        <span>
          {' '}
          · restarted for memory {memory.restartsForMemory === 1 ? 'once' : `${formatCount(memory.restartsForMemory)} times`}, last <RelativeTime date={last.at} /> at{' '}
          {formatBytes(last.rssBytes)}
        </span>
      ) : null}
    </p>
  );
}
