import type { WorkflowFile } from './workflow';

/**
 * What changed between two workflow files: steps matched by slug wherever they sit (top level, a
 * loop's body, a parallel branch), each changed step with a JSON diff of its own fields (container
 * bodies left out: their steps are compared on their own), and the workflow's own fields. Pure.
 */

export type JsonPath = (string | number)[];

export type JsonChange =
  | { kind: 'added'; path: JsonPath; after: unknown }
  | { kind: 'removed'; path: JsonPath; before: unknown }
  | { kind: 'changed'; path: JsonPath; before: unknown; after: unknown };

/** Where a step sits: `''` at the top level, else its container's slug and the body's name. */
export interface StepPlace {
  container?: string;
  body?: string;
}

export interface StepRef {
  slug: string;
  stepType: string;
  place: StepPlace;
}

export interface StepChange extends StepRef {
  /** The step's place in the other file, when it moved between bodies. */
  movedFrom?: StepPlace;
  /** Names of the changed fields, in words ("prompt", "next steps"). */
  fields: string[];
  changes: JsonChange[];
}

export interface Reordering {
  place: StepPlace;
  before: string[];
  after: string[];
}

export interface WorkflowDiff {
  added: StepRef[];
  removed: StepRef[];
  changed: StepChange[];
  reordered: Reordering[];
  /** Changes outside the steps (`workflowConfig`, other top-level keys), paths from the file's root. */
  workflow: JsonChange[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface PlacedStep extends StepRef {
  /** The step without its bodies. */
  own: Json;
  index: number;
}

/** The step bodies a container holds, read defensively: a saved file may be semantically invalid. */
function bodiesOf(step: Json): { name: string; steps: unknown[] }[] {
  const config = isObject(step.config) ? step.config : undefined;
  if (step.stepType === 'loop' && Array.isArray(config?.steps)) return [{ name: 'body', steps: config.steps }];
  if (step.stepType === 'parallel' && isObject(config?.branches)) {
    return Object.entries(config.branches)
      .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]))
      .map(([name, steps]) => ({ name, steps }));
  }
  return [];
}

/** The step's own fields: a loop without `config.steps`, a parallel step without `config.branches`. */
function ownFields(step: Json): Json {
  const bodyKey = step.stepType === 'loop' ? 'steps' : step.stepType === 'parallel' ? 'branches' : undefined;
  if (!bodyKey || !isObject(step.config)) return step;
  const { [bodyKey]: _body, ...config } = step.config;
  return { ...step, config };
}

function collectSteps(file: unknown): Map<string, PlacedStep> {
  const found = new Map<string, PlacedStep>();
  const visit = (steps: unknown, place: StepPlace) => {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, index) => {
      if (!isObject(step)) return;
      const wanted = typeof step.stepSlug === 'string' ? step.stepSlug : `#${index}`;
      // A duplicated slug (a validation error, but still saveable) is kept apart, not merged.
      let slug = wanted;
      for (let n = 2; found.has(slug); n++) slug = `${wanted} (${n})`;
      const stepType = typeof step.stepType === 'string' ? step.stepType : 'unknown';
      found.set(slug, { slug, stepType, place, own: ownFields(step), index });
      for (const body of bodiesOf(step)) visit(body.steps, { container: slug, body: body.name });
    });
  };
  visit(isObject(file) ? file.stepsConfig : undefined, {});
  return found;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
  return keys.every((k) => deepEqual(a[k], b[k]));
}

/** Every leaf-most difference between two JSON values, with its path (array items by position). */
export function diffJson(before: unknown, after: unknown, path: JsonPath = []): JsonChange[] {
  if (deepEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => {
      const [was, is] = [before[key], after[key]];
      if (was === undefined && is === undefined) return [];
      if (was === undefined) return [{ kind: 'added' as const, path: [...path, key], after: is }];
      if (is === undefined) return [{ kind: 'removed' as const, path: [...path, key], before: was }];
      return diffJson(was, is, [...path, key]);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: JsonChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= after.length) changes.push({ kind: 'removed', path: [...path, i], before: before[i] });
      else if (i >= before.length) changes.push({ kind: 'added', path: [...path, i], after: after[i] });
      else changes.push(...diffJson(before[i], after[i], [...path, i]));
    }
    return changes;
  }
  return [{ kind: 'changed', path, before, after }];
}

const placeKey = (place: StepPlace) => (place.container === undefined ? '' : `${place.container}/${place.body}`);

/** "userPrompt" → "user prompt". */
const words = (key: string | number) =>
  String(key)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();

/** The field a change belongs to, in words: a step's `config.prompt` is "prompt", `nextSteps.x` "next steps". */
export function fieldLabel(path: JsonPath): string {
  const [first, second, third] = path;
  if (first === 'ui') return 'layout';
  if (first === 'workflowConfig') {
    if (second === 'config' && third !== undefined) return words(third);
    return second === undefined ? 'settings' : words(second);
  }
  if (first === 'config' && second === 'llmNode' && third !== undefined) return FIELD_ALIASES[third] ?? words(third);
  if (first === 'config' && second !== undefined) return words(second);
  return first === undefined ? 'value' : words(first);
}

/** Names said the way the editor's forms say them. */
const FIELD_ALIASES: Partial<Record<string | number, string>> = { userPrompt: 'prompt', stepSlug: 'slug' };

function reorderings(before: Map<string, PlacedStep>, after: Map<string, PlacedStep>): Reordering[] {
  const byPlace = new Map<string, { place: StepPlace; before: PlacedStep[]; after: PlacedStep[] }>();
  const entry = (step: PlacedStep) => {
    const key = placeKey(step.place);
    if (!byPlace.has(key)) byPlace.set(key, { place: step.place, before: [], after: [] });
    return byPlace.get(key)!;
  };
  for (const step of before.values()) {
    const other = after.get(step.slug);
    if (other && placeKey(other.place) === placeKey(step.place)) entry(step).before.push(step);
  }
  for (const step of after.values()) {
    const other = before.get(step.slug);
    if (other && placeKey(other.place) === placeKey(step.place)) entry(step).after.push(step);
  }
  const order = (steps: PlacedStep[]) => [...steps].sort((a, b) => a.index - b.index).map((s) => s.slug);
  return [...byPlace.values()]
    .map((group) => ({ place: group.place, before: order(group.before), after: order(group.after) }))
    .filter((group) => !deepEqual(group.before, group.after));
}

export function diffWorkflows(before: WorkflowFile | unknown, after: WorkflowFile | unknown): WorkflowDiff {
  const was = collectSteps(before);
  const is = collectSteps(after);
  const ref = ({ slug, stepType, place }: PlacedStep): StepRef => ({ slug, stepType, place });
  const changed: StepChange[] = [];
  for (const step of is.values()) {
    const old = was.get(step.slug);
    if (!old) continue;
    const changes = diffJson(old.own, step.own);
    const moved = placeKey(old.place) !== placeKey(step.place);
    if (changes.length === 0 && !moved) continue;
    const fields = [...new Set(changes.map((change) => fieldLabel(change.path)))];
    changed.push({ ...ref(step), fields, changes, ...(moved ? { movedFrom: old.place } : {}) });
  }
  const rest = (file: unknown): Json => {
    if (!isObject(file)) return {};
    const { stepsConfig: steps, ...others } = file;
    // Steps are compared one by one; a `stepsConfig` that is no list of steps is a plain value.
    return Array.isArray(steps) ? others : file;
  };
  return {
    added: [...is.values()].filter((s) => !was.has(s.slug)).map(ref),
    removed: [...was.values()].filter((s) => !is.has(s.slug)).map(ref),
    changed,
    reordered: reorderings(was, is),
    workflow: diffJson(rest(before), rest(after)),
  };
}

/** Slugs by kind of change, for highlighting steps (the graph canvas marks added, removed and changed nodes). */
export function diffHighlights(diff: WorkflowDiff): { added: string[]; removed: string[]; changed: string[] } {
  return {
    added: diff.added.map((s) => s.slug),
    removed: diff.removed.map((s) => s.slug),
    changed: diff.changed.map((s) => s.slug),
  };
}

export function isEmptyDiff(diff: WorkflowDiff): boolean {
  return (
    diff.added.length + diff.removed.length + diff.changed.length + diff.reordered.length + diff.workflow.length === 0
  );
}

/** Where a step sits, in words: "the top level", "loop `each`", "branch `a` of `fan`". */
export function describePlace(place: StepPlace): string {
  if (place.container === undefined) return 'the top level';
  if (place.body === 'body') return `loop \`${place.container}\``;
  return `branch \`${place.body}\` of \`${place.container}\``;
}

const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
const named = (steps: StepRef[]) => list(steps.map((s) => `\`${s.slug}\``));

function stepPhrases(step: StepChange): string[] {
  const phrases: string[] = [];
  if (step.movedFrom) phrases.push(`moved \`${step.slug}\` to ${describePlace(step.place)}`);
  if (step.fields.length > 0) phrases.push(`changed ${list(step.fields)} of \`${step.slug}\``);
  return phrases;
}

/** One line for a version list: "added step `notify`, changed prompt of `classify`". */
export function summarizeDiff(diff: WorkflowDiff, maxParts = 4): string {
  const parts: string[] = [];
  if (diff.added.length) parts.push(`added step${diff.added.length > 1 ? 's' : ''} ${named(diff.added)}`);
  if (diff.removed.length) parts.push(`removed step${diff.removed.length > 1 ? 's' : ''} ${named(diff.removed)}`);
  parts.push(...diff.changed.flatMap(stepPhrases));
  for (const group of diff.reordered) parts.push(`reordered the steps of ${describePlace(group.place)}`);
  const workflowFields = [...new Set(diff.workflow.map((change) => fieldLabel(change.path)))];
  if (workflowFields.length) parts.push(`changed the workflow's ${list(workflowFields)}`);
  if (parts.length === 0) return 'no changes';
  if (parts.length <= maxParts) return parts.join(', ');
  return `${parts.slice(0, maxParts - 1).join(', ')} and ${parts.length - maxParts + 1} more changes`;
}
