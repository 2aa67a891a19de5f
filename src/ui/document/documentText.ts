import type { WorkflowFile } from '../../schema/workflow';
import { formatDoc } from '../editor/analysis';

/**
 * A document's text, which may not have been produced yet: a structured edit (a keystroke in a step
 * form) only formats its ~100 KB of JSON when a view, the autosave or the history reads it.
 */
export interface DocumentText {
  read(): string;
  /** The workflow this is the formatted text of, when it was made from one. */
  readonly file?: WorkflowFile;
}

export function plainText(text: string): DocumentText {
  return { read: () => text };
}

/** `formatDoc(file)`, computed on the first read and kept. */
export function formattedText(file: WorkflowFile): DocumentText {
  let text: string | undefined;
  return {
    file,
    read: () => (text ??= formatDoc(file)),
  };
}

/**
 * Whether two texts are the same, formatting neither when both are made from a workflow: the same
 * formatter gives the same text exactly for JSON-equal values (an edit shares what it did not touch,
 * so this compares only the changed path).
 */
export function sameText(a: DocumentText, b: DocumentText): boolean {
  if (a === b) return true;
  if (a.file !== undefined && b.file !== undefined) return sameJson(a.file, b.file);
  return a.read() === b.read();
}

/**
 * Equality as `JSON.stringify` sees it, for JSON data: key order counts (it orders the text), a key
 * whose value is undefined is absent, and shared subtrees are compared by reference only.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item: unknown, i) => sameJson(item ?? null, b[i] ?? null));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = presentKeys(left);
  const other = presentKeys(right);
  return keys.length === other.length && keys.every((key, i) => key === other[i] && sameJson(left[key], right[key]));
}

function presentKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}
