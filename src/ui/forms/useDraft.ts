import { useState } from 'react';

/**
 * A field's own text while the user types, kept in step with the document: an outside change (undo,
 * the JSON view, the graph) replaces it, unless it is only what this draft already says
 * (`canonical(draft) === external`), so typing `1.50` or a JSON object's spacing is never reformatted.
 */
export function useDraft(external: string, canonical: (draft: string) => string | undefined = (d) => d) {
  const [draft, setDraft] = useState(external);
  const [seen, setSeen] = useState(external);
  if (external !== seen) {
    // Adjusting state while rendering (React's documented pattern for "state from a changed prop").
    setSeen(external);
    if (canonical(draft) !== external) setDraft(external);
  }
  return [draft, setDraft] as const;
}

/** A message about one draft text (not a number, not JSON): it goes when the draft is replaced from outside. */
export function useDraftError(draft: string) {
  const [error, setError] = useState<{ text: string; message: string }>();
  const current = error?.text === draft ? error.message : undefined;
  const set = (text: string, message: string | undefined) =>
    setError(message === undefined ? undefined : { text, message });
  return [current, set] as const;
}
