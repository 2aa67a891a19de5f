import { describe, expect, test } from 'vitest';
import { workflowJsonSchema } from '../../src/schema/jsonSchema';
import { STEP_TYPES, type Step } from '../../src/schema/steps';
import { validateWorkflowFile } from '../../src/schema/validate';
import type { WorkflowFile } from '../../src/schema/workflow';
import { stepsFromClipboard, stepsToClipboard } from '../../src/ui/graph/clipboardSteps';
import {
  addStep,
  clearPositions,
  connect,
  disconnect,
  duplicateSteps,
  findStep,
  insertSteps,
  moveSteps,
  removeSteps,
  withPositions,
} from '../../src/ui/graph/edits';
import { problemsByNode } from '../../src/ui/graph/flow';
import { placeNodes, toElkGraph } from '../../src/ui/graph/layout';
import { buildGraph, structureKey, TOP_LEVEL } from '../../src/ui/graph/model';
import { setAt } from '../../src/ui/forms/path';

const trigger = (slug: string, next?: Record<string, string>): Step => ({
  stepSlug: slug,
  name: slug,
  stepType: 'trigger',
  config: { type: 'manual' },
  ...(next ? { nextSteps: next } : {}),
});
const set = (slug: string, next?: Record<string, string>): Step => ({
  stepSlug: slug,
  name: slug,
  stepType: 'action',
  config: { action: 'set', values: { a: 1 } },
  ...(next ? { nextSteps: next } : {}),
});

/** start → check (yes: each, no: fan) ; each = loop [a → b] ; fan = parallel { left: [l], right: [r] } */
const FILE: WorkflowFile = {
  workflowConfig: { name: 'Graph model' },
  stepsConfig: [
    trigger('start', { success: 'check' }),
    {
      stepSlug: 'check',
      name: 'Check',
      stepType: 'condition',
      config: { rules: [{ when: 'true', next: 'yes' }], default: 'no' },
      nextSteps: { yes: 'each', no: 'fan' },
    },
    {
      stepSlug: 'each',
      name: 'Each',
      stepType: 'loop',
      config: { forEach: [1, 2], steps: [set('a', { success: 'b' }), set('b')] },
    },
    {
      stepSlug: 'fan',
      name: 'Fan',
      stepType: 'parallel',
      config: { join: 'all', branches: { left: [set('l')], right: [set('r')] } },
    },
  ],
};

function shapeOk(file: WorkflowFile): boolean {
  return validateWorkflowFile(file).file !== undefined;
}

describe('file → graph', () => {
  test('a node per step, containers before what they hold, branch groups inside their parallel step', () => {
    const model = buildGraph(FILE);
    expect(model.nodes.map((n) => [n.id, n.parentId ?? null, n.group])).toEqual([
      ['start', null, false],
      ['check', null, false],
      ['each', null, true],
      ['fan', null, true],
      ['fan::left', 'fan', true],
      ['fan::right', 'fan', true],
      ['a', 'each', false],
      ['b', 'each', false],
      ['l', 'fan::left', false],
      ['r', 'fan::right', false],
    ]);
    expect(model.byId.get('b')!.data).toMatchObject({ path: ['stepsConfig', 2, 'config', 'steps', 1], index: 1 });
    expect(model.byId.get('fan::left')!.data.ownBody).toEqual(['stepsConfig', 3, 'config', 'branches', 'left']);
  });

  test('an edge per nextSteps entry, labelled with its key', () => {
    expect(buildGraph(FILE).edges.map((e) => `${e.source} -${e.key}-> ${e.target}`)).toEqual([
      'start -success-> check',
      'check -yes-> each',
      'check -no-> fan',
      'a -success-> b',
    ]);
  });

  test('a summary line per type, and a reused slug still gets its own node', () => {
    const file = { ...FILE, stepsConfig: [...FILE.stepsConfig, set('start')] };
    const model = buildGraph(file);
    expect(model.nodes.filter((n) => n.id.startsWith('start')).map((n) => n.id)).toEqual(['start', 'start~2']);
    expect(model.byId.get('check')!.data).toMatchObject({ summary: 'if true → yes' });
    expect(model.byId.get('each')!.data).toMatchObject({ summary: 'for each of 2 items' });
  });

  test('editing a step keeps the structure key; linking steps changes it', () => {
    const model = buildGraph(FILE);
    const renamed = structuredClone(FILE);
    renamed.stepsConfig[0]!.name = 'Renamed';
    expect(structureKey(buildGraph(renamed))).toBe(structureKey(model));
    expect(structureKey(buildGraph(connect(FILE, 'b', 'failure', 'a')))).not.toBe(structureKey(model));
  });

  test('built on the previous model: unchanged nodes and edges keep their objects; an unseen change, the model', () => {
    const model = buildGraph(FILE);
    // A set step's values (its summary names only the keys): nothing the canvas shows changes.
    const quiet = setAt(FILE, ['stepsConfig', 2, 'config', 'steps', 1, 'config', 'values', 'a'], 2);
    expect(buildGraph(quiet, model)).toBe(model);
    // A copy of the whole file (the canvas's own edits clone it) shows the same, too.
    expect(buildGraph(structuredClone(FILE), model)).toBe(model);

    const renamed = setAt(FILE, ['stepsConfig', 2, 'config', 'steps', 0, 'name'], 'Renamed a');
    const next = buildGraph(renamed, model);
    expect(next).toEqual(buildGraph(renamed));
    expect(next.byId.get('a')!.data).toMatchObject({ name: 'Renamed a' });
    expect(next.nodes.filter((n) => n !== model.byId.get(n.id)).map((n) => n.id)).toEqual(['a']);
    expect(next.edges.every((e, i) => e === model.edges[i])).toBe(true);

    const resummed = buildGraph(
      setAt(FILE, ['stepsConfig', 2, 'config', 'steps', 1, 'config', 'values'], { z: 1 }),
      model,
    );
    expect(resummed.byId.get('b')!.data).toMatchObject({ summary: 'set z' });
    expect(resummed.nodes.filter((n) => n !== model.byId.get(n.id)).map((n) => n.id)).toEqual(['b']);

    const linked = buildGraph(connect(FILE, 'b', 'failure', 'a'), model);
    expect(linked.edges.map((e) => e.id)).toContain('b->failure');
    expect(linked.nodes.every((n) => n === model.byId.get(n.id))).toBe(true);
  });

  test('problems land on the innermost step of their path; the rest belong to the workflow', () => {
    const model = buildGraph(FILE);
    const found = problemsByNode(model, [
      {
        severity: 'error',
        code: 'x',
        path: '',
        segments: ['stepsConfig', 2, 'config', 'steps', 1, 'config'],
        message: 'b',
      },
      { severity: 'error', code: 'y', path: '', segments: ['stepsConfig', 2, 'config', 'steps'], message: 'loop' },
      { severity: 'error', code: 'z', path: '', segments: ['stepsConfig'], message: 'workflow' },
    ]);
    expect(found.byNode.get('b')!.map((p) => p.message)).toEqual(['b']);
    expect(found.byNode.get('each')!.map((p) => p.message)).toEqual(['loop']);
    expect(found.workflow.map((p) => p.message)).toEqual(['workflow']);
  });
});

describe('layout', () => {
  test('ELK gets containers as compound nodes and each edge in the body it belongs to', () => {
    const elk = toElkGraph(buildGraph(FILE));
    expect(elk.children!.map((c) => c.id)).toEqual(['start', 'check', 'each', 'fan']);
    const each = elk.children!.find((c) => c.id === 'each')!;
    expect(each.children!.map((c) => c.id)).toEqual(['a', 'b']);
    expect(each.edges!.map((e) => e.id)).toEqual(['a->success']);
    expect(elk.edges!.map((e) => e.labels![0]!.text)).toEqual(['success', 'yes', 'no']);
  });

  test('a position the person set wins, and its container grows to hold it', () => {
    const model = buildGraph(FILE);
    const boxes = new Map(model.nodes.map((n) => [n.id, { x: 0, y: 0, width: 100, height: 50 }] as const));
    const placed = placeNodes(model, boxes, { b: { x: 400, y: 300 } });
    expect(placed.get('b')).toMatchObject({ x: 400, y: 300 });
    expect(placed.get('each')!.width).toBeGreaterThanOrEqual(500);
    expect(placed.get('each')!.height).toBeGreaterThanOrEqual(350);
  });
});

describe('graph edits → file', () => {
  test('every step type from the palette keeps the file a workflow (problems shown, never a broken shape)', () => {
    for (const type of STEP_TYPES) {
      const { file, slug } = addStep(FILE, type, { after: 'b', body: ['stepsConfig', 2, 'config', 'steps'] });
      expect(shapeOk(file), type).toBe(true);
      expect(findStep(file, slug)?.stepType).toBe(type);
    }
  });

  test('a step added after another is linked by its next free outcome (a condition: its rules first)', () => {
    const first = addStep(FILE, 'wait', { after: 'check' });
    expect(findStep(first.file, 'check')!.nextSteps).toEqual({ yes: 'each', no: 'fan', success: 'wait' });
    const condition = addStep(FILE, 'condition', { after: 'start' });
    const second = addStep(condition.file, 'approval', { after: condition.slug });
    expect(findStep(second.file, condition.slug)!.nextSteps).toEqual({ yes: second.slug });
    expect(FILE.stepsConfig[1]!.nextSteps).toEqual({ yes: 'each', no: 'fan' });
  });

  test('connect replaces what the key pointed to; disconnect removes it', () => {
    const linked = connect(FILE, 'check', 'no', 'each');
    expect(findStep(linked, 'check')!.nextSteps).toEqual({ yes: 'each', no: 'each' });
    expect(findStep(disconnect(linked, 'check', 'no'), 'check')!.nextSteps).toEqual({ yes: 'each' });
    expect(findStep(disconnect(FILE, 'start', 'success'), 'start')!.nextSteps).toBeUndefined();
  });

  test('deleting steps removes the links to them and their positions, and never empties a body', () => {
    const positioned = withPositions(FILE, new Map([['fan', { x: 1, y: 2 }]]));
    const removed = removeSteps(positioned, ['fan']);
    expect(removed.ok && findStep(removed.file, 'check')!.nextSteps).toEqual({ yes: 'each' });
    expect(removed.ok && removed.file.ui).toEqual({ positions: {} });
    const emptied = removeSteps(FILE, ['l']);
    expect(emptied).toMatchObject({ ok: false, reason: expect.stringContaining('at least one step') });
  });

  test('duplicates get fresh slugs; links between the copies are kept, links out are dropped', () => {
    const { file, slugs } = duplicateSteps(FILE, ['a', 'b']);
    expect(slugs).toEqual(['a_2', 'b_2']);
    const body = (file.stepsConfig[2] as Extract<Step, { stepType: 'loop' }>).config.steps;
    expect(body.map((s) => [s.stepSlug, s.nextSteps])).toEqual([
      ['a', { success: 'b' }],
      ['b', undefined],
      ['a_2', { success: 'b_2' }],
      ['b_2', undefined],
    ]);
    const single = duplicateSteps(FILE, ['check']);
    expect(findStep(single.file, single.slugs[0]!)!.nextSteps).toBeUndefined();
  });

  test('copied steps paste into another workflow through the clipboard text, slugs renamed where taken', () => {
    const text = stepsToClipboard([findStep(FILE, 'each')!]);
    const read = stepsFromClipboard(text);
    expect(read.kind).toBe('steps');
    const other: WorkflowFile = { workflowConfig: { name: 'Other' }, stepsConfig: [trigger('start'), set('a')] };
    const pasted = insertSteps(other, read.kind === 'steps' ? read.steps : []);
    expect(pasted.slugs).toEqual(['each']);
    const loop = findStep(pasted.file, 'each') as Extract<Step, { stepType: 'loop' }>;
    expect(loop.config.steps.map((s) => [s.stepSlug, s.nextSteps])).toEqual([
      ['a_2', { success: 'b' }],
      ['b', undefined],
    ]);
    expect(shapeOk(pasted.file)).toBe(true);
  });

  test('pasted text that is not steps is left to the import; bad steps say where they are wrong', () => {
    expect(stepsFromClipboard('{"workflowConfig":{}}')).toEqual({ kind: 'other' });
    expect(stepsFromClipboard('not json')).toEqual({ kind: 'other' });
    const bad = stepsFromClipboard(JSON.stringify({ tabflowSteps: [{ stepSlug: 'x', stepType: 'wait' }] }));
    expect(bad).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^Not pasted: tabflowSteps\.0/) });
  });

  test('moving steps into a loop and back out drops the links that would cross a body', () => {
    const into = moveSteps(FILE, ['fan'], ['stepsConfig', 2, 'config', 'steps']);
    expect(into.ok).toBe(true);
    if (!into.ok) return;
    expect(findStep(into.file, 'check')!.nextSteps).toEqual({ yes: 'each' });
    expect(buildGraph(into.file).byId.get('fan')!.parentId).toBe('each');
    const out = moveSteps(into.file, ['a'], TOP_LEVEL);
    expect(out.ok && buildGraph(out.file).byId.get('a')!.parentId).toBeUndefined();
    expect(out.ok && findStep(out.file, 'a')!.nextSteps).toBeUndefined();
  });

  test('a container never moves into itself, and a move never empties a body', () => {
    expect(moveSteps(FILE, ['each'], ['stepsConfig', 2, 'config', 'steps']).ok).toBe(false);
    expect(moveSteps(FILE, ['l'], TOP_LEVEL)).toMatchObject({ ok: false });
  });

  test('positions go to ui.positions (rounded); Tidy up removes them', () => {
    const placed = withPositions(FILE, new Map([['b', { x: 10.4, y: 20.6 }]]));
    expect(placed.ui).toEqual({ positions: { b: { x: 10, y: 21 } } });
    expect(shapeOk(placed)).toBe(true);
    expect(clearPositions(placed).ui).toBeUndefined();
  });
});

describe('the ui key of the format', () => {
  test('is validated with the JSON path of what is wrong', () => {
    const bad = { ...FILE, ui: { positions: { b: { x: 'left', y: 0 } } } };
    const { file, problems } = validateWorkflowFile(bad);
    expect(file).toBeUndefined();
    expect(problems.map((p) => p.path)).toContain('$.ui.positions.b.x');
  });

  test('is allowed by the published JSON Schema', () => {
    const properties = workflowJsonSchema().properties as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(properties.ui!.properties!)).toContain('positions');
  });
});
