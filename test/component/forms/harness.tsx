import { act, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import type { Problem } from '../../../src/schema/problems';
import { validateWorkflowFile } from '../../../src/schema/validate';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { TabflowDb } from '../../../src/store/db';
import { DbProvider } from '../../../src/ui/DbContext';
import { StepFormPanel } from '../../../src/ui/forms/StepFormPanel';

/** The leaf paths where two JSON values differ (an added or removed key counts as its own path). */
export function changedPaths(a: unknown, b: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Object.is(a, b)) return [];
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) return [at];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => {
    const segment = Array.isArray(a) ? Number(key) : key;
    return changedPaths((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], [...at, segment]);
  });
}

/** A database of its own (the app's helpers.tsx would pull in the whole app). */
export function freshDb(): TabflowDb {
  return new TabflowDb(`forms-${crypto.randomUUID()}`);
}

export interface Change {
  file: WorkflowFile;
  group: string;
}

/**
 * The panel as the canvas mounts it: the file lives in the host, every change is applied and
 * revalidated (the JSON view's problems), and the changes are recorded.
 */
export function renderPanel(
  initial: WorkflowFile,
  stepPath: (string | number)[],
  options: { db?: TabflowDb; workflowId?: string } = {},
) {
  const db = options.db ?? freshDb();
  const changes: Change[] = [];
  let current = initial;
  let replace: (next: WorkflowFile) => void = () => undefined;
  function Host() {
    const [file, setFile] = useState(initial);
    replace = (next) => {
      current = next;
      setFile(next);
    };
    const problems: Problem[] = validateWorkflowFile(file, { knownWorkflows: ['Helper'] }).problems;
    return (
      <StepFormPanel
        file={file}
        stepPath={stepPath}
        problems={problems}
        workflowId={options.workflowId}
        onChange={(next, meta) => {
          changes.push({ file: next, group: meta.group });
          current = next;
          setFile(next);
        }}
      />
    );
  }
  const user = userEvent.setup();
  const view = render(
    <DbProvider db={db}>
      <Host />
    </DbProvider>,
  );
  return {
    ...view,
    user,
    db,
    changes,
    current: () => current,
    /** A change made elsewhere (the JSON view, undo): not recorded as the form's. */
    replaceFile: (next: WorkflowFile) => act(() => replace(next)),
  };
}
