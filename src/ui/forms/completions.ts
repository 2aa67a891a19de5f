import { stepReach } from '../../schema/predecessors';
import type { PathSegment } from '../../schema/problems';
import { workflowInputs } from '../../schema/summary';
import { isObject, objectField, type RawObject } from '../../schema/walk';
import type { WorkflowFile } from '../../schema/workflow';
import { getAt } from './path';

/**
 * The names a template or expression of one step may use, and where a completion applies in a text.
 * Pure: the form passes in the last run's outputs (for deeper paths) and the stored secret names.
 */

export interface CompletionItem {
  /** What is inserted, e.g. `steps.fetch.output.rows`. */
  label: string;
  detail: string;
}

export interface NameSources {
  /** The last run's output per step slug, to offer the fields inside each output. */
  outputs?: Readonly<Record<string, unknown>>;
  /** Secret names stored in this browser (never values). */
  storedSecrets?: readonly string[];
  /** Only an http action's headers, query and body may read secrets. */
  secretsAllowed?: boolean;
}

/** Fields listed inside a step's output, per level. */
const FIELDS_PER_LEVEL = 20;
const OUTPUT_DEPTH = 2;

export function templateNames(file: WorkflowFile, stepPath: readonly PathSegment[], sources: NameSources = {}) {
  const reach = stepReach(file, stepPath);
  const settings = objectField(objectField(file as RawObject, 'workflowConfig'), 'config');
  const items: CompletionItem[] = [];
  for (const name of workflowInputs(file as RawObject)) items.push({ label: `input.${name}`, detail: 'run input' });
  for (const slug of reach?.predecessors ?? []) {
    const step = findStepName(file, stepPath, slug);
    items.push({ label: `steps.${slug}.output`, detail: `output of ${step}` });
    items.push(...outputFields(`steps.${slug}.output`, sources.outputs?.[slug], OUTPUT_DEPTH));
  }
  for (const name of Object.keys(objectField(settings, 'variables') ?? {})) {
    items.push({ label: `variables.${name}`, detail: 'workflow variable' });
  }
  if (reach && reach.loops.length > 0) {
    const loop = reach.loops[reach.loops.length - 1];
    items.push({ label: 'loop.item', detail: `current item of "${loop}"` });
    items.push({ label: 'loop.index', detail: `index of the item in "${loop}" (from 0)` });
    for (const slug of reach.loopBody) {
      items.push({ label: `loop.previous.${slug}.output`, detail: `output of "${slug}" in the previous round` });
    }
  }
  if (sources.secretsAllowed) {
    const declared = Object.keys(objectField(settings, 'secrets') ?? {});
    for (const name of new Set([...declared, ...(sources.storedSecrets ?? [])])) {
      items.push({ label: `secrets.${name}`, detail: declared.includes(name) ? 'declared secret' : 'stored secret' });
    }
  }
  items.push({ label: 'trigger.data', detail: "the trigger's data" });
  return items;
}

/** The same names spelled for JSONata: a slug that is not an identifier goes in backticks. */
export function expressionNames(file: WorkflowFile, stepPath: readonly PathSegment[], sources: NameSources = {}) {
  return templateNames(file, stepPath, { ...sources, secretsAllowed: false }).map((item) => ({
    ...item,
    label: item.label.replace(/^steps\.([^.]+)/, (whole, slug: string) =>
      /^[A-Za-z_$][\w$]*$/.test(slug) ? whole : `steps.\`${slug}\``,
    ),
  }));
}

/** A while loop's own expression: its round (`loop.index`), the previous round's result and body outputs. */
export function whileNames(file: WorkflowFile, loopPath: readonly PathSegment[], sources: NameSources = {}) {
  const body = getAt(file, [...loopPath, 'config', 'steps']);
  const slugs = Array.isArray(body)
    ? body.flatMap((s) => (isObject(s) && typeof s.stepSlug === 'string' ? [s.stepSlug] : []))
    : [];
  return [
    { label: 'loop.index', detail: 'the round about to start (from 0)' },
    { label: 'loop.item', detail: "the previous round's result" },
    ...slugs.map((slug) => ({
      label: `loop.previous.${slug}.output`,
      detail: `output of "${slug}" in the previous round`,
    })),
    ...expressionNames(file, loopPath, sources),
  ];
}

function outputFields(prefix: string, value: unknown, depth: number): CompletionItem[] {
  if (depth === 0) return [];
  if (Array.isArray(value)) {
    return value.length > 0
      ? [{ label: `${prefix}[0]`, detail: 'first item' }, ...outputFields(`${prefix}[0]`, value[0], depth - 1)]
      : [];
  }
  if (!isObject(value)) return [];
  return Object.keys(value)
    .slice(0, FIELDS_PER_LEVEL)
    .flatMap((key) => [
      { label: `${prefix}.${key}`, detail: `from the last run: ${typeName(value[key])}` },
      ...outputFields(`${prefix}.${key}`, value[key], depth - 1),
    ]);
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return `list of ${value.length}`;
  return value === null ? 'null' : typeof value;
}

function findStepName(file: WorkflowFile, stepPath: readonly PathSegment[], slug: string): string {
  // Siblings and ancestors' siblings are the only candidates; their names are cheap to find by walking up.
  for (let end = stepPath.length - 1; end >= 1; end--) {
    const list = getAt(file, stepPath.slice(0, end));
    if (!Array.isArray(list)) continue;
    const found = list.find((s: unknown) => isObject(s) && s.stepSlug === slug) as RawObject | undefined;
    if (found) return typeof found.name === 'string' && found.name ? `"${found.name}"` : `"${slug}"`;
  }
  return `"${slug}"`;
}

/** Where a completion applies: the text from `from` to the caret is the typed prefix. */
export interface CompletionQuery {
  from: number;
  prefix: string;
}

/** Inside an open `{{ … ` before the caret (no `}}` yet in between). */
export function templateQuery(text: string, caret: number): CompletionQuery | undefined {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf('{{');
  if (open === -1 || before.indexOf('}}', open) !== -1) return undefined;
  const typed = before.slice(open + 2);
  const lead = typed.length - typed.trimStart().length;
  const prefix = typed.slice(lead);
  return /^[\w$.[\]`-]*$/.test(prefix) ? { from: open + 2 + lead, prefix } : undefined;
}

/** The name being typed before the caret in an expression (at least one character, not in a string). */
export function expressionQuery(text: string, caret: number): CompletionQuery | undefined {
  const before = text.slice(0, caret);
  if ((before.match(/"/g) ?? []).length % 2 === 1 || (before.match(/'/g) ?? []).length % 2 === 1) return undefined;
  const match = /[A-Za-z_$][\w$.[\]`-]*$/.exec(before);
  if (!match || (match.index > 0 && /[\w$]/.test(before[match.index - 1]!))) return undefined;
  return { from: match.index, prefix: match[0] };
}

/** The items that continue `prefix`, starts first, then the ones containing it. */
export function matchItems(items: readonly CompletionItem[], prefix: string, max = 50): CompletionItem[] {
  const lower = prefix.toLowerCase();
  const starts = items.filter((i) => i.label.toLowerCase().startsWith(lower) && i.label !== prefix);
  const contains = lower
    ? items.filter((i) => !i.label.toLowerCase().startsWith(lower) && i.label.toLowerCase().includes(lower))
    : [];
  return [...starts, ...contains].slice(0, max);
}

/** The text with the completion in place of the prefix, and the caret after it (closing `}}` when asked). */
export function applyCompletion(
  text: string,
  caret: number,
  query: CompletionQuery,
  label: string,
  close: boolean,
): { text: string; caret: number } {
  const after = text.slice(caret);
  const closing = close && !/^\s*}}/.test(after) ? '}}' : '';
  const inserted = `${label}${closing}`;
  return { text: text.slice(0, query.from) + inserted + after, caret: query.from + inserted.length };
}
