import { useCallback, useEffect, useRef, useState } from 'react';
import { describeResolution, readResolutionChange } from './review-events.ts';
import type { ProjectEvent } from './socket.client.ts';
import type { Notice } from './use-labeling-session.ts';

const showForMs = 4000;

/**
 * A quiet note for annotators that a reviewer settled a sample ("Ana resolved a sample as Refund"),
 * so final labels changing under them aren't a surprise. Their own decisions need no note.
 */
export function useResolutionNotice(labels: { id: number; name: string }[], meId: number | undefined) {
  const [notice, setNotice] = useState<Notice | null>(null);
  // The latest labels without re-creating the handler when the label set object changes.
  const labelsRef = useRef(labels);
  labelsRef.current = labels;

  const handleEvent = useCallback(
    (event: ProjectEvent, currentSampleId: number | null) => {
      const change = readResolutionChange(event);
      if (!change || change.by?.id === meId) return;
      setNotice({ id: Date.now(), text: describeResolution(change, labelsRef.current, currentSampleId) });
    },
    [meId],
  );

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), showForMs);
    return () => clearTimeout(timer);
  }, [notice]);

  return { notice, handleEvent };
}
