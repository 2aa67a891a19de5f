import { MAX_VARIANTS, type ExperimentRow, type RowSource, type Variant } from '../../schema/experiment';
import { collectScopes, isObject } from '../../schema/walk';
import type { WorkflowFile } from '../../schema/workflow';
import { parseCsv, parseJsonRows } from '../../store/tableImport';
import { errorMessage } from '../../schema/errorMessage';
import { columnsOf, rowsFromList } from '../../schema/experimentRows';

/** The setup screen's drafts and what they become: the rows loaded from a source, variants. No React. */

/** Rows read from a source, or why the source could not be read. */
export type LoadedRows =
  | { kind: 'rows'; source: RowSource; rows: ExperimentRow[]; columns: string[]; fromText: boolean }
  | { kind: 'malformed'; source: RowSource; message: string };

/** A CSV or JSON file's rows; a malformed file names its line (the parsers' messages do). */
export function rowsFromFile(fileName: string, text: string): LoadedRows {
  const format = /\.json$/i.test(fileName) ? 'json' : 'csv';
  const source: RowSource = { kind: 'file', fileName, format };
  try {
    const rows = format === 'json' ? parseJsonRows(text) : parseCsv(text);
    return { kind: 'rows', source, rows, columns: columnsOf(rows), fromText: format === 'csv' };
  } catch (error) {
    return { kind: 'malformed', source, message: `${fileName}: ${errorMessage(error)}` };
  }
}

export function rowsOfList(text: string, column: string): LoadedRows {
  const rows = rowsFromList(text, column);
  return { kind: 'rows', source: { kind: 'list', column }, rows, columns: [column], fromText: true };
}

/** A local table's rows (its stored `id` column too); imported from CSV, so its text is converted lightly. */
export function rowsOfTable(table: string, rows: ExperimentRow[]): LoadedRows {
  return { kind: 'rows', source: { kind: 'table', table }, rows, columns: columnsOf(rows), fromText: true };
}

export interface VariantDraft {
  id: string;
  label: string;
  provider: string;
  model: string;
  /** '' = the workflow as saved now; else a saved version's number. */
  versionSeq: string;
  /** LLM step slug → its user prompt in this variant (absent: as in the workflow). */
  prompts: Record<string, string>;
}

export function newVariantDraft(position: number): VariantDraft {
  return { id: `v${position}`, label: `Variant ${position}`, provider: '', model: '', versionSeq: '', prompts: {} };
}

/** The next variant's draft: a number no variant of the list uses yet. */
export function nextVariant(variants: readonly VariantDraft[]): VariantDraft {
  let position = variants.length + 1;
  while (variants.some((v) => v.id === `v${position}`)) position++;
  return newVariantDraft(position);
}

export const canAddVariant = (variants: readonly VariantDraft[]) => variants.length < MAX_VARIANTS;

export function variantOf(draft: VariantDraft): Variant {
  const provider = draft.provider.trim();
  const model = draft.model.trim();
  return {
    id: draft.id,
    label: draft.label.trim(),
    ...(model ? { model: { model, ...(provider ? { provider } : {}) } } : {}),
    ...(draft.versionSeq ? { versionSeq: Number(draft.versionSeq) } : {}),
    ...(Object.keys(draft.prompts).length > 0 ? { prompts: { ...draft.prompts } } : {}),
  };
}

/** What keeps the variants from starting, each naming the variant. */
export function variantProblems(drafts: readonly VariantDraft[]): string[] {
  const problems: string[] = [];
  const labels = new Set<string>();
  drafts.forEach((draft, index) => {
    const name = draft.label.trim() || `variant ${index + 1}`;
    if (draft.label.trim() === '') problems.push(`variant ${index + 1} has no name`);
    else if (labels.has(name)) problems.push(`two variants are called “${name}”`);
    labels.add(name);
    if (draft.provider.trim() && !draft.model.trim()) problems.push(`variant “${name}” names a provider but no model`);
  });
  return problems;
}

/** An LLM step whose user prompt a variant may edit. */
export interface LlmStep {
  slug: string;
  name: string;
  userPrompt: string;
}

export function llmStepsOf(doc: WorkflowFile): LlmStep[] {
  const steps: LlmStep[] = [];
  for (const scope of collectScopes(doc.stepsConfig, ['stepsConfig'])) {
    for (const site of scope.sites) {
      if (site.stepType !== 'llm' || site.slug === undefined) continue;
      const config = site.raw.config;
      const node = isObject(config) ? config.llmNode : undefined;
      const name = typeof site.raw.name === 'string' ? site.raw.name : site.slug;
      if (isObject(node)) steps.push({ slug: site.slug, name, userPrompt: String(node.userPrompt ?? '') });
    }
  }
  return steps;
}

/** "Customers (2024).csv" → "Customers (2024)": the experiment's first name. */
export function experimentNameFor(workflowName: string, source: RowSource | undefined): string {
  if (!source) return workflowName;
  const from =
    source.kind === 'table'
      ? source.table
      : source.kind === 'file'
        ? source.fileName.replace(/\.[^.]+$/, '')
        : 'a pasted list';
  return `${workflowName} over ${from}`.slice(0, 120);
}
