import type { SampleView } from '../utils/trpc.client.ts';

const maxMetadata = 8;

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One sample: its text with line breaks kept, or its image; plus its other fields, small. */
export function SampleCard({ sample, busy }: { sample: SampleView; busy: boolean }) {
  const metadata = Object.entries(sample.metadata).slice(0, maxMetadata);
  return (
    <article className={`panel sample-card${busy ? ' is-busy' : ''}`} aria-busy={busy} aria-label={`Sample ${sample.id}`}>
      <p className="eyebrow">Sample #{sample.id}</p>
      {sample.imageUrl ? (
        <figure className="sample-card__figure">
          <img src={sample.imageUrl} alt={sample.imageName ?? `Sample ${sample.id}`} data-testid="sample-image" className="sample-card__image" />
          {sample.imageName ? <figcaption className="muted">{sample.imageName}</figcaption> : null}
        </figure>
      ) : (
        <div className="sample-card__text" data-testid="sample-text">
          {sample.text ?? ''}
        </div>
      )}
      {metadata.length > 0 ? (
        <dl className="sample-card__meta">
          {metadata.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{describeValue(value)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </article>
  );
}
