import { useServiceHealth } from '../utils/use-service-health.ts';

/** A banner while the server cannot reach a service it depends on, saying what still works. */
export function ServiceBanner() {
  const problem = useServiceHealth();
  if (!problem) return null;
  return (
    <div className="service-banner" role="status" data-testid="service-banner">
      {problem === 'queue' ? (
        <>
          <strong>Training and live updates are paused.</strong> The job queue cannot be reached. Labels are still saved, and the model
          catches up when it is back.
        </>
      ) : (
        <>
          <strong>The database cannot be reached.</strong> Changes are not being saved right now; please wait a moment.
        </>
      )}
    </div>
  );
}
