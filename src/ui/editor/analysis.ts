import { parseJsonText } from '../../schema/jsonText';
import { locateJsonError } from '../../schema/jsonSyntax';
import type { Problem } from '../../schema/problems';
import { validateWorkflowFile } from '../../schema/validate';
import type { WorkflowFile } from '../../schema/workflow';

/** What the editor text is: not JSON (with where it breaks), or JSON with its validation problems. */
export type TextAnalysis =
  | { kind: 'syntax'; problems: Problem[]; offset: number }
  | { kind: 'json'; value: unknown; file: WorkflowFile | undefined; problems: Problem[] };

export function analyzeText(text: string, knownWorkflows?: Iterable<string>): TextAnalysis {
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { kind: 'syntax', problems: parsed.problems, offset: locateJsonError(text)?.offset ?? 0 };
  const { file, problems } = validateWorkflowFile(parsed.value, knownWorkflows ? { knownWorkflows } : {});
  // Already sorted and capped (a flood of problems is summed up, so the linter marks at most ~100 ranges).
  return { kind: 'json', value: parsed.value, file, problems };
}

/** How a saved document is shown in the editor. */
export function formatDoc(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** True when the text is JSON equal to `doc` (formatting aside): the editor already shows that doc. */
export function textMatchesDoc(text: string, doc: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(doc);
  } catch {
    return false;
  }
}
