import { useCallback, useEffect, useState } from 'react';
import { isModelRanking, readModelVersion } from './learning-events.ts';
import type { ProjectEvent } from './socket.client.ts';
import type { Notice } from './use-labeling-session.ts';

const showForMs = 4000;

/**
 * A quiet note for annotators that the model changed under them. It never touches the sample on
 * screen: only the samples after it follow the new model.
 */
export function useModelNotice() {
  const [notice, setNotice] = useState<Notice | null>(null);

  const handleEvent = useCallback((event: ProjectEvent) => {
    const version = readModelVersion(event);
    if (version?.promoted) setNotice({ id: Date.now(), text: `Model updated to v${version.version}` });
    // The re-ranking that follows a new version keeps the version's note; alone (a new strategy), it gets its own.
    else if (isModelRanking(event)) setNotice((current) => current ?? { id: Date.now(), text: 'Queue re-ranked by the model' });
  }, []);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), showForMs);
    return () => clearTimeout(timer);
  }, [notice]);

  return { notice, handleEvent };
}
