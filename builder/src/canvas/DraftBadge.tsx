import { useEffect, useState } from 'react';
import { get } from '../api.ts';

/**
 * "Draft differs from live v3" in the editor header: a live journey whose saved draft would
 * publish as something else than what runs. Re-checked whenever the save state settles.
 */
export function DraftBadge(props: { journeyId: string; liveVersion: number | null; saved: boolean }) {
  const [differs, setDiffers] = useState(false);
  useEffect(() => {
    if (!props.saved || !props.liveVersion) return setDiffers(false);
    let current = true;
    get<{ draftDiffers: boolean }>(`/api/journeys/${encodeURIComponent(props.journeyId)}/draft-status`).then(
      (r) => current && setDiffers(r.draftDiffers),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [props.journeyId, props.liveVersion, props.saved]);
  if (!differs) return null;
  return (
    <span className="badge warn" data-testid="draft-differs" title="Publish to make the draft’s changes live; runs in flight keep their version.">
      Draft differs from live v{props.liveVersion}
    </span>
  );
}
