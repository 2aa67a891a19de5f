import { useEffect, useRef } from 'react';
import type { Step } from '../../schema/steps';
import type { WorkflowFile } from '../../schema/workflow';
import { branchKeysFor, findStep } from './edits';
import type { GraphModel } from './model';

/** A connection dragged from `source` to `target` (node ids), waiting for its outcome to be chosen. */
export interface PendingConnection {
  source: string;
  target: string;
}

interface ConnectingProps {
  model: GraphModel;
  file: WorkflowFile;
  pending: PendingConnection;
  onConnect(source: string, key: string, target: string): void;
  onDone(): void;
}

/** The chooser for a dragged connection, between the steps the node ids stand for. */
export function Connecting({ model, file, pending, onConnect, onDone }: ConnectingProps) {
  const slugOf = (id: string) => {
    const node = model.byId.get(id);
    return node?.data.kind === 'step' ? node.data.slug : undefined;
  };
  const target = slugOf(pending.target);
  const source = findStep(file, slugOf(pending.source) ?? '');
  if (!source || !target) return null;
  return (
    <BranchChooser
      source={source}
      target={target}
      onChoose={(key) => {
        onConnect(source.stepSlug, key, target);
        onDone();
      }}
      onCancel={onDone}
    />
  );
}

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
