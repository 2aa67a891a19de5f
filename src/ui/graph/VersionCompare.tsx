import { useId, useMemo, useState } from 'react';
import { diffHighlights, diffWorkflows } from '../../schema/workflowDiff';
import type { WorkflowFile } from '../../schema/workflow';
import { useVersions } from '../versions/useVersions';

export interface CanvasHighlights {
  /** Node slug → `added` or `changed` since the version compared with. */
  bySlug: ReadonlyMap<string, 'added' | 'changed'>;
  removed: readonly string[];
  /** "version 3", for the note. */
  label: string;
}

/**
 * "Changes since": pick an earlier version and the canvas marks the steps added and changed since
 * it, and lists the removed ones. Returns the picker and the current highlights.
 */
export function useVersionCompare(workflowId: string, file: WorkflowFile) {
  const versions = useVersions(workflowId);
  const [picked, setPicked] = useState<string>('');
  const list = versions.status === 'ready' ? versions.value : [];
  const version = list.find((v) => v.id === picked);
  const highlights = useMemo((): CanvasHighlights | undefined => {
    if (!version) return undefined;
    const marks = diffHighlights(diffWorkflows(version.doc, file));
    const bySlug = new Map<string, 'added' | 'changed'>([
      ...marks.changed.map((slug) => [slug, 'changed'] as const),
      ...marks.added.map((slug) => [slug, 'added'] as const),
    ]);
    return { bySlug, removed: marks.removed, label: `version ${version.seq}` };
  }, [version, file]);
  const id = useId();
  const picker =
    list.length > 1 ? (
      <span className="graph-compare">
        <label htmlFor={id}>Changes since</label>
        <select id={id} value={picked} onChange={(e) => setPicked(e.target.value)}>
          <option value="">—</option>
          {list.slice(1).map((v) => (
            <option key={v.id} value={v.id}>
              version {v.seq}
              {v.name ? ` “${v.name}”` : ''}
            </option>
          ))}
        </select>
      </span>
    ) : null;
  return { picker, highlights };
}
