import { parseJsonText } from './jsonText';
import { migrateFile } from './migrations';
import { hasErrors, type Problem } from './problems';
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

export function previewWorkflowText(text: string, options: ValidateOptions = {}): ImportPreview {
  const parsed = parseJsonText(text);
  if (!parsed.ok) return refused(parsed.problems);
  return previewWorkflowValue(parsed.value, options);
}

export function previewWorkflowValue(value: unknown, options: ValidateOptions = {}): ImportPreview {
  if (!isObject(value)) {
    return refused(validateWorkflowFile(value).problems);
  }
  const migration = migrateFile(value);
  if (!migration.file) return refused(migration.problems);
  const { file, problems } = validateWorkflowFile(migration.file, options);
  const ok = file !== undefined && !hasErrors(problems);
  return {
    ok,
    file: ok ? file : undefined,
    summary: summarizeWorkflow(migration.file),
    problems: sortProblems(problems),
    migrated: migration.applied,
  };
}

function refused(problems: Problem[]): ImportPreview {
  return { ok: false, file: undefined, summary: undefined, problems, migrated: [] };
}

/** Errors first, then in document order. */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => {
    if (a.severity !== b.severity) return a.severity === 'error' ? -1 : 1;
    return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  });
}
