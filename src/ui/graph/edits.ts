import { APPROVAL_BRANCH_KEYS, COMMON_BRANCH_KEYS } from '../../schema/validateGraph';
import type { PathSegment } from '../../schema/problems';
import { childBodies, type Step, type StepType } from '../../schema/steps';
import type { WorkflowFile } from '../../schema/workflow';
import { TOP_LEVEL, type BodyPath } from './model';
import { defaultStep } from './stepDefaults';

/**
 * Edits of the graph as pure functions: file in, new file out (the input is never changed). Each
 * keeps the workflow's own rules where it can: a step only continues to steps of its own body, so
 * moving or pasting steps drops the links that would cross a body.
 */

export type Position = { x: number; y: number };

function clone(file: WorkflowFile): WorkflowFile {
  return structuredClone(file);
}

/** The list of steps at `body` (a clone's, so it may be changed). */
export function stepsAt(file: WorkflowFile, body: BodyPath): Step[] {
  let current: unknown = file;
  for (const segment of body) current = (current as Record<PathSegment, unknown>)[segment];
  if (!Array.isArray(current)) throw new Error(`no list of steps at ${body.join('.')}`);
  return current as Step[];
}

/** Every step of the file, each with the list it is in. */
function everyStep(file: WorkflowFile): Array<{ step: Step; list: Step[] }> {
  const found: Array<{ step: Step; list: Step[] }> = [];
  const pending: Step[][] = [file.stepsConfig as Step[]];
  for (let list = pending.pop(); list; list = pending.pop()) {
    for (const step of list) {
      found.push({ step, list });
      for (const body of childBodies(step)) pending.push(body.steps);
    }
  }
  return found;
}

export function allSlugs(file: WorkflowFile): Set<string> {
  return new Set(everyStep(file).map((s) => s.step.stepSlug));
}

/** `base`, or `base_2`, `base_3`… — the first not taken; each name handed out is then taken. */
export function slugMaker(taken: Set<string>): (base: string) => string {
  return (base) => {
    const clean = base.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^[^A-Za-z_]/, 's') || 'step';
    let slug = clean.slice(0, 60);
    for (let n = 2; taken.has(slug); n++) slug = `${clean.slice(0, 56)}_${n}`;
    taken.add(slug);
    return slug;
  };
}

/** Keys a step can continue by, in the order a new link takes them. */
export function branchKeysFor(step: Step): string[] {
  const keys: string[] = [];
  if (step.stepType === 'condition') {
    for (const rule of step.config.rules) keys.push(rule.next);
    if (step.config.default) keys.push(step.config.default);
  }
  if (step.stepType === 'approval') keys.push(...APPROVAL_BRANCH_KEYS);
  keys.push('success', ...COMMON_BRANCH_KEYS.filter((k) => k !== 'success'));
  return [...new Set(keys)];
}

/** The first key the step does not use yet (conditions and approvals: their outcomes first). */
export function freeBranchKey(step: Step): string {
  const used = new Set(Object.keys(step.nextSteps ?? {}));
  return branchKeysFor(step).find((k) => !used.has(k)) ?? 'default';
}

export function findStep(file: WorkflowFile, slug: string): Step | undefined {
  return everyStep(file).find((s) => s.step.stepSlug === slug)?.step;
}

/** Adds a step of `type` to `body`; after `after` (same body) it is linked by that step's next free key. */
export function addStep(
  file: WorkflowFile,
  type: StepType,
  options: { body?: BodyPath; after?: string; position?: Position } = {},
): { file: WorkflowFile; slug: string } {
  const next = clone(file);
  const fresh = slugMaker(allSlugs(next));
  const slug = fresh(type === 'llm' ? 'ask' : type);
  const list = stepsAt(next, options.body ?? TOP_LEVEL);
  list.push(defaultStep(type, slug, fresh));
  const previous = options.after ? list.find((s) => s.stepSlug === options.after) : undefined;
  if (previous) previous.nextSteps = { ...previous.nextSteps, [freeBranchKey(previous)]: slug };
  if (options.position) setPosition(next, slug, options.position);
  return { file: next, slug };
}

/** Links `source` to `target` by `key` (replacing what that key pointed to). */
export function connect(file: WorkflowFile, source: string, key: string, target: string): WorkflowFile {
  const next = clone(file);
  const step = findStep(next, source);
  if (!step) return file;
  step.nextSteps = { ...step.nextSteps, [key]: target };
  return next;
}

export function disconnect(file: WorkflowFile, source: string, key: string): WorkflowFile {
  const next = clone(file);
  const step = findStep(next, source);
  if (!step?.nextSteps || !Object.hasOwn(step.nextSteps, key)) return file;
  delete step.nextSteps[key];
  if (Object.keys(step.nextSteps).length === 0) delete step.nextSteps;
  return next;
}

/** Drops links from the steps of `list` to any slug in `gone`. */
function unlink(list: Step[], gone: ReadonlySet<string>): void {
  for (const step of list) {
    if (!step.nextSteps) continue;
    for (const [key, target] of Object.entries(step.nextSteps)) if (gone.has(target)) delete step.nextSteps[key];
    if (Object.keys(step.nextSteps).length === 0) delete step.nextSteps;
  }
}

/** An edit that was not made, and why (say it to the person). */
export type EditResult = { ok: true; file: WorkflowFile } | { ok: false; reason: string };

/** A list of steps left empty (a workflow, a loop body, a branch needs at least one step). */
function emptiedBody(file: WorkflowFile): boolean {
  return (
    file.stepsConfig.length === 0 ||
    everyStep(file).some(({ step }) => childBodies(step).some((b) => b.steps.length === 0))
  );
}

const EMPTIED =
  'a workflow, a loop body and a parallel branch each need at least one step: ' +
  'delete or move the container instead';

/** Removes steps (a container with its bodies), the links to them and their saved positions. */
export function removeSteps(file: WorkflowFile, slugs: Iterable<string>): EditResult {
  const next = withoutSteps(file, new Set(slugs));
  return emptiedBody(next) ? { ok: false, reason: `Not deleted: ${EMPTIED}` } : { ok: true, file: next };
}

function withoutSteps(file: WorkflowFile, gone: ReadonlySet<string>): WorkflowFile {
  const next = clone(file);
  for (const { step, list } of everyStep(next)) {
    if (!gone.has(step.stepSlug)) continue;
    const index = list.indexOf(step);
    if (index >= 0) list.splice(index, 1);
  }
  for (const list of new Set(everyStep(next).map((s) => s.list))) unlink(list, gone);
  forgetPositions(next, gone);
  return next;
}

/** Copies of steps for another place: fresh slugs, links kept only between the copies. */
export function copiesOf(steps: readonly Step[], taken: Set<string>): Step[] {
  const fresh = slugMaker(taken);
  const renames = new Map<string, string>();
  const copies = structuredClone(steps as Step[]);
  const pending: Step[] = [...copies];
  for (let step = pending.pop(); step; step = pending.pop()) {
    renames.set(step.stepSlug, fresh(step.stepSlug));
    for (const body of childBodies(step)) pending.push(...body.steps);
  }
  const relink = (list: Step[]) => {
    for (const step of list) {
      step.stepSlug = renames.get(step.stepSlug)!;
      if (step.nextSteps) {
        const kept = Object.entries(step.nextSteps).flatMap(([k, t]) => (renames.has(t) ? [[k, renames.get(t)!]] : []));
        step.nextSteps = Object.fromEntries(kept);
        if (kept.length === 0) delete step.nextSteps;
      }
      for (const body of childBodies(step)) relink(body.steps);
    }
  };
  // Links to steps outside the copied set are dropped: they would point into the originals' body.
  relink(copies);
  return copies;
}

/** Inserts copies of `steps` into `body` and returns their new slugs. */
export function insertSteps(
  file: WorkflowFile,
  steps: readonly Step[],
  body: BodyPath = TOP_LEVEL,
): { file: WorkflowFile; slugs: string[] } {
  const next = clone(file);
  const copies = copiesOf(steps, allSlugs(next));
  stepsAt(next, body).push(...copies);
  return { file: next, slugs: copies.map((s) => s.stepSlug) };
}

/** Duplicates steps next to the originals (in the body of the first one). */
export function duplicateSteps(file: WorkflowFile, slugs: readonly string[]): { file: WorkflowFile; slugs: string[] } {
  const steps = everyStep(file).filter((s) => slugs.includes(s.step.stepSlug));
  if (steps.length === 0) return { file, slugs: [] };
  const body = bodyOf(file, steps[0]!.step.stepSlug)!;
  const sameBody = steps.filter((s) => s.list === steps[0]!.list).map((s) => s.step);
  return insertSteps(file, sameBody, body);
}

/** The path of the list a step is in. */
export function bodyOf(file: WorkflowFile, slug: string): BodyPath | undefined {
  const pending: Array<{ list: Step[]; path: BodyPath }> = [{ list: file.stepsConfig as Step[], path: TOP_LEVEL }];
  for (let entry = pending.pop(); entry; entry = pending.pop()) {
    for (const [index, step] of entry.list.entries()) {
      if (step.stepSlug === slug) return entry.path;
      if (step.stepType === 'loop')
        pending.push({ list: step.config.steps, path: [...entry.path, index, 'config', 'steps'] });
      if (step.stepType === 'parallel') {
        for (const [name, list] of Object.entries(step.config.branches)) {
          pending.push({ list, path: [...entry.path, index, 'config', 'branches', name] });
        }
      }
    }
  }
  return undefined;
}

/**
 * Moves steps into another body (into or out of a loop or branch). Links between a moved step and a
 * step left behind are dropped; a container is never moved into itself.
 */
export function moveSteps(file: WorkflowFile, slugs: readonly string[], body: BodyPath): EditResult {
  const next = movedSteps(file, slugs, body);
  if (next === file) return { ok: false, reason: 'Not moved: a container cannot go inside itself' };
  return emptiedBody(next) ? { ok: false, reason: `Not moved: ${EMPTIED}` } : { ok: true, file: next };
}

function movedSteps(file: WorkflowFile, slugs: readonly string[], body: BodyPath): WorkflowFile {
  const next = clone(file);
  const target = stepsAt(next, body);
  const moving = everyStep(next).filter(({ step, list }) => slugs.includes(step.stepSlug) && list !== target);
  const movingSet = new Set(moving.map((m) => m.step.stepSlug));
  const inside = (step: Step): boolean => childBodies(step).some((b) => b.steps === target || b.steps.some(inside));
  if (moving.length === 0 || moving.some((m) => inside(m.step))) return file;
  const lists = new Set(moving.map((m) => m.list));
  for (const { step, list } of moving) list.splice(list.indexOf(step), 1);
  for (const list of lists) unlink(list, movingSet);
  const leftBehind = new Set([...lists].flatMap((l) => l.map((s) => s.stepSlug)));
  const moved = moving.map((m) => m.step);
  unlink(moved, leftBehind);
  unlink(target, movingSet);
  target.push(...moved);
  forgetPositions(next, movingSet);
  return next;
}

export function setPosition(file: WorkflowFile, slug: string, position: Position): void {
  const ui = (file.ui ??= {});
  ui.positions = { ...ui.positions, [slug]: { x: Math.round(position.x), y: Math.round(position.y) } };
}

/** Positions set by dragging, kept in `ui.positions` (relative to the step's container). */
export function withPositions(file: WorkflowFile, positions: ReadonlyMap<string, Position>): WorkflowFile {
  const next = clone(file);
  for (const [slug, position] of positions) setPosition(next, slug, position);
  return next;
}

function forgetPositions(file: WorkflowFile, slugs: ReadonlySet<string>): void {
  const positions = file.ui?.positions;
  if (!positions) return;
  for (const slug of slugs) delete positions[slug];
}

/** "Tidy up": every position back to the automatic layout. */
export function clearPositions(file: WorkflowFile): WorkflowFile {
  if (!file.ui?.positions) return file;
  const next = clone(file);
  delete next.ui!.positions;
  if (Object.keys(next.ui!).length === 0) delete next.ui;
  return next;
}
