import { stepSchema, type Step } from '../../schema/steps';

/**
 * Steps on the clipboard, as JSON text any workflow can paste: `{ "tabflowSteps": [ …steps ] }`.
 * A whole workflow on the clipboard is not this format: it goes to the import preview instead.
 */
export const CLIPBOARD_KEY = 'tabflowSteps';

export function stepsToClipboard(steps: readonly Step[]): string {
  return JSON.stringify({ [CLIPBOARD_KEY]: steps }, null, 2);
}

export type ClipboardRead = { kind: 'steps'; steps: Step[] } | { kind: 'other' } | { kind: 'invalid'; message: string };

/** Reads pasted text: steps copied from a graph, something else, or steps that are not valid (with why). */
export function stepsFromClipboard(text: string): ClipboardRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'other' };
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray((value as Record<string, unknown>)[CLIPBOARD_KEY])
  ) {
    return { kind: 'other' };
  }
  const list = (value as Record<string, unknown[]>)[CLIPBOARD_KEY]!;
  const steps: Step[] = [];
  for (const [index, item] of list.entries()) {
    const parsed = stepSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = [CLIPBOARD_KEY, index, ...(issue?.path ?? [])].map(String).join('.');
      return { kind: 'invalid', message: `Not pasted: ${where}: ${issue?.message ?? 'not a step'}` };
    }
    // The pasted JSON as written (defaults not filled in), like every other step of the file.
    steps.push(item as Step);
  }
  return { kind: 'steps', steps };
}
