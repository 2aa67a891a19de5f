import { parseJsonText } from './jsonText';
import { migrateFile } from './migrations';
import { hasErrors, problem, type Problem } from './problems';
import { summarizeWorkflow, type WorkflowSummary } from './summary';
import { validateWorkflowFile, type ValidateOptions } from './validate';
import { isObject } from './walk';
import type { WorkflowFile } from './workflow';

/**
 * What an import would bring in, shown before anything is saved. `file` is set only when the
 * workflow can be imported: the JSON parsed, migrated and has no validation error.
 */
export interface ImportPreview {
  ok: boolean;
  file: WorkflowFile | undefined;
  summary: WorkflowSummary | undefined;
  problems: Problem[];
  /** Migrations applied to bring an older file up to date. */
  migrated: string[];
}

/** Never throws: whatever the text, the answer is a preview (refused, with the reason, if need be). */
export function previewWorkflowText(text: string, options: ValidateOptions = {}): ImportPreview {
  return guarded(() => {
    const parsed = parseJsonText(text);
    return parsed.ok ? previewOf(parsed.value, options) : refused(parsed.problems);
  });
}

export function previewWorkflowValue(value: unknown, options: ValidateOptions = {}): ImportPreview {
  return guarded(() => previewOf(value, options));
}

function previewOf(value: unknown, options: ValidateOptions): ImportPreview {
  if (!isObject(value)) {
    return refused(validateWorkflowFile(value).problems);
  }
  const migration = migrateFile(value);
  if (!migration.file) return refused(migration.problems);
  const { file, problems, tooLarge } = validateWorkflowFile(migration.file, options);
  const ok = file !== undefined && !hasErrors(problems);
  return {
    ok,
    file: ok ? file : undefined,
    summary: tooLarge ? undefined : summarizeWorkflow(migration.file),
    problems,
    migrated: migration.applied,
  };
}

/** The last line of defence: a check that broke still gives a verdict, and nothing is imported. */
function guarded(check: () => ImportPreview): ImportPreview {
  try {
    return check();
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return refused([
      problem(
        'error',
        'check-failed',
        [],
        `this file could not be checked (${reason.slice(0, 200)}); it was not imported`,
      ),
    ]);
  }
}

function refused(problems: Problem[]): ImportPreview {
  return { ok: false, file: undefined, summary: undefined, problems, migrated: [] };
}
