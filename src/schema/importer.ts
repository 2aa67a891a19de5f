import { parseJsonText, type JsonSyntax } from './jsonText';
import { migrateFile } from './migrations';
import { hasErrors, problem, type Problem } from './problems';
import { summarizeWorkflow, type WorkflowSummary } from './summary';
import { validateWorkflowFile, type ValidateOptions } from './validate';
import { LIMITS } from './limits';
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
  /** `relaxed` when the text was relaxed JSON (JSON5) and was converted; undefined when it did not parse. */
  syntax: JsonSyntax | undefined;
  /** Set when the file has errors but can still be kept as a draft to fix in the editor (see `draftOf`). */
  draft: ImportDraft | undefined;
}

/**
 * An invalid file kept to be fixed: `text` opens in the editor, `doc` is what the library lists (the
 * file's own fields where they have the right type, so it never passes validation by accident: it
 * has errors, or an empty list of steps, which is one).
 */
export interface ImportDraft {
  name: string;
  text: string;
  doc: WorkflowFile;
}

/** Refusals that no draft may carry past: limits that protect the editor and the tab. */
const UNDRAFTABLE = new Set([
  'too-large',
  'empty',
  'too-deep',
  'forbidden-key',
  'not-finite',
  'too-many-entries',
  'too-many-steps',
  'check-failed',
]);

/** Never throws: whatever the text, the answer is a preview (refused, with the reason, if need be). */
export function previewWorkflowText(text: string, options: ValidateOptions = {}): ImportPreview {
  return guarded(() => {
    const parsed = parseJsonText(text, { relaxed: true });
    if (!parsed.ok) return withDraft(refused(parsed.problems), text, undefined);
    const preview = { ...previewOf(parsed.value, options), syntax: parsed.syntax };
    // A converted file opens as the JSON it was converted to.
    return withDraft(preview, parsed.syntax === 'json' ? text : JSON.stringify(parsed.value, null, 2), parsed.value);
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
    syntax: 'json',
    draft: undefined,
  };
}

function withDraft(preview: ImportPreview, text: string, value: unknown): ImportPreview {
  // Text that did not parse opens in the editor as is, so it must be as shallow as the depth limit.
  const unreadable = value === undefined ? bracketDepth(text) > LIMITS.jsonDepth : !isObject(value);
  if (preview.ok || unreadable || preview.problems.some((p) => UNDRAFTABLE.has(p.code))) return preview;
  return { ...preview, draft: draftOf(text, value) };
}

/** The deepest nesting of brackets outside strings (quoted with " or '), in one pass. */
function bracketDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') deepest = Math.max(deepest, ++depth);
    else if (ch === '}' || ch === ']') depth--;
  }
  return deepest;
}

/** The library entry of a draft: the file's own workflowConfig and stepsConfig when they are an object and a list. */
function draftOf(text: string, value: unknown): ImportDraft {
  const raw = isObject(value) ? value : {};
  const workflowConfig = isObject(raw.workflowConfig) ? raw.workflowConfig : {};
  const given = workflowConfig.name;
  const name = typeof given === 'string' && given.trim() !== '' ? given.trim() : 'Imported draft';
  const stepsConfig: unknown[] = Array.isArray(raw.stepsConfig) ? raw.stepsConfig : [];
  const doc = { ...raw, workflowConfig: { ...workflowConfig, name }, stepsConfig } as unknown as WorkflowFile;
  return { name, text, doc };
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
  return {
    ok: false,
    file: undefined,
    summary: undefined,
    problems,
    migrated: [],
    syntax: undefined,
    draft: undefined,
  };
}
