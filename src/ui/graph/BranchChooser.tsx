import { useEffect, useRef } from 'react';
import type { Step } from '../../schema/steps';
import { branchKeysFor } from './edits';

interface BranchChooserProps {
  source: Step;
  target: string;
  onChoose(key: string): void;
  onCancel(): void;
}

/** After a connection is dragged: which outcome of the source step goes to the target. */
export function BranchChooser({ source, target, onChoose, onCancel }: BranchChooserProps) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const used = source.nextSteps ?? {};
  return (
    <div
      className="graph-chooser"
      role="group"
      aria-label={`Connect ${source.stepSlug} to ${target}`}
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}>
      <span>
        <code>{source.stepSlug}</code> → <code>{target}</code> on:
      </span>
      {branchKeysFor(source).map((key, i) => (
        <button
          key={key}
          ref={i === 0 ? first : undefined}
          type="button"
          className="button button-small"
          title={Object.hasOwn(used, key) ? `replaces the link to ${used[key]}` : undefined}
          onClick={() => onChoose(key)}>
          {key}
          {Object.hasOwn(used, key) ? ' (replace)' : ''}
        </button>
      ))}
      <button type="button" className="button button-small" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
