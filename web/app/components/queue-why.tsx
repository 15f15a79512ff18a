import { formatPercent } from '../utils/format.ts';
import type { SampleView } from '../utils/trpc.client.ts';

interface Props {
  why: SampleView['why'];
  labels: { id: number; name: string }[];
}

/** Why the queue chose this sample and, unless the project hides it, what the model thinks it is. */
export function QueueWhy({ why, labels }: Props) {
  if (!why) return null;
  const guess = why.guess;
  const guessName = guess ? (labels.find((l) => l.id === guess.labelId)?.name ?? `label #${guess.labelId}`) : null;
  return (
    <div className="queue-why">
      {why.strategy === 'check' ? (
        <p className="queue-why__check" data-testid="check-sample">
          <strong>Random check sample</strong>
        </p>
      ) : null}
      {guess ? (
        <p className="queue-why__guess" data-testid="model-guess">
          Model guess: <strong>{guessName}</strong> · {formatPercent(guess.confidence)}
        </p>
      ) : null}
      <p className="queue-why__reason">
        <span className="visually-hidden">Why this sample: </span>
        <span data-testid="why-reason">{why.reason}</span>
      </p>
    </div>
  );
}
