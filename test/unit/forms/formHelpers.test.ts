import { describe, expect, it } from 'vitest';
import { problem } from '../../../src/schema/problems';
import { validateWorkflowFile } from '../../../src/schema/validate';
import {
  applyCompletion,
  expressionNames,
  expressionQuery,
  matchItems,
  templateNames,
  templateQuery,
  whileNames,
} from '../../../src/ui/forms/completions';
import { getAt, setAt } from '../../../src/ui/forms/path';
import { renameSlug, rewriteText, slugProblem } from '../../../src/ui/forms/renameSlug';
import { problemsOfStep } from '../../../src/ui/forms/stepProblems';
import { everyStepWorkflow, pathOfSlug } from '../../support/everyStep';

describe('setAt: immutable writes at a JSON path', () => {
  const root = { a: { b: [1, { c: 2 }], keep: { x: 1 } }, z: 0 };

  it('copies only the objects on the path, keeps key order, never mutates', () => {
    const next = setAt(root, ['a', 'b', 1, 'c'], 3);
    expect(next).toEqual({ a: { b: [1, { c: 3 }], keep: { x: 1 } }, z: 0 });
    expect(next.a.keep).toBe(root.a.keep);
    expect(root.a.b[1]).toEqual({ c: 2 });
    expect(Object.keys(setAt(root, ['a'], 1))).toEqual(['a', 'z']);
  });

  it('undefined removes the key (or an array item); missing objects are created', () => {
    expect(setAt(root, ['z'], undefined)).toEqual({ a: root.a });
    expect(setAt(root, ['nope'], undefined)).toBe(root);
    expect(getAt(setAt(root, ['a', 'b', 0], undefined), ['a', 'b'])).toEqual([{ c: 2 }]);
    expect(setAt({}, ['workflowConfig', 'config', 'inputSchema'], { type: 'object' })).toEqual({
      workflowConfig: { config: { inputSchema: { type: 'object' } } },
    });
  });

  it('a "__proto__" key stays data', () => {
    const next = setAt({}, ['__proto__', 'polluted'], true) as Record<string, unknown>;
    expect(Object.hasOwn(next, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('completion queries', () => {
  it('a template query starts after an open {{ and stops at }}', () => {
    expect(templateQuery('Hi {{ steps.cl', 14)).toEqual({ from: 6, prefix: 'steps.cl' });
    expect(templateQuery('Hi {{input.a}} and', 18)).toBeUndefined();
    expect(templateQuery('no braces', 9)).toBeUndefined();
    expect(templateQuery('{{', 2)).toEqual({ from: 2, prefix: '' });
  });

  it('an expression query is the name being typed, not inside a string', () => {
    expect(expressionQuery('steps.cl', 8)).toEqual({ from: 0, prefix: 'steps.cl' });
    expect(expressionQuery('$count(inp', 10)).toEqual({ from: 7, prefix: 'inp' });
    expect(expressionQuery("x = 'inp", 8)).toBeUndefined();
    expect(expressionQuery('1 + ', 4)).toBeUndefined();
  });

  it('matches starts before contains, and inserts with a closing }} only when missing', () => {
    const items = [
      { label: 'input.a', detail: '' },
      { label: 'steps.input_x.output', detail: '' },
    ];
    expect(matchItems(items, 'inp').map((i) => i.label)).toEqual(['input.a', 'steps.input_x.output']);
    expect(applyCompletion('Hi {{inp', 8, { from: 5, prefix: 'inp' }, 'input.a', true)).toEqual({
      text: 'Hi {{input.a}}',
      caret: 14,
    });
    expect(applyCompletion('{{inp}}', 5, { from: 2, prefix: 'inp' }, 'input.a', true).text).toBe('{{input.a}}');
  });
});

describe('templateNames: what a step may reference', () => {
  const file = everyStepWorkflow();
  const labels = (slug: string, secretsAllowed = false) =>
    templateNames(file, pathOfSlug(file, slug), { secretsAllowed }).map((i) => i.label);

  it('inputs from the input schema, variables, and only the steps that can have run before', () => {
    const names = labels('review');
    expect(names).toEqual(expect.arrayContaining(['input.customerId', 'input.limit', 'variables.tone']));
    expect(names).toContain('steps.classify.output');
    expect(names).toContain('steps.fan.output');
    expect(names).not.toContain('steps.ping.output');
    expect(names).not.toContain('steps.review.output');
    expect(names).not.toContain('steps.line.output');
    expect(names.filter((n) => n.startsWith('loop.'))).toEqual([]);
  });

  it('loop.item and loop.index inside a loop; secrets only where allowed, by name', () => {
    expect(labels('tally')).toEqual(
      expect.arrayContaining(['loop.item', 'loop.index', 'steps.line.output', 'loop.previous.tally.output']),
    );
    expect(whileNames(file, pathOfSlug(file, 'each')).map((i) => i.label)).toEqual(
      expect.arrayContaining(['loop.index', 'loop.item', 'loop.previous.line.output', 'steps.hold.output']),
    );
    expect(labels('call').some((n) => n.startsWith('secrets.'))).toBe(false);
    const withSecrets = templateNames(file, pathOfSlug(file, 'call'), {
      secretsAllowed: true,
      storedSecrets: ['OTHER'],
    });
    expect(withSecrets.filter((i) => i.label.startsWith('secrets.')).map((i) => i.label)).toEqual([
      'secrets.API_TOKEN',
      'secrets.OTHER',
    ]);
  });

  it("offers the fields of a predecessor's last output; expressions quote slugs that are not names", () => {
    const names = templateNames(file, pathOfSlug(file, 'review'), {
      outputs: { classify: { label: 'urgent', scores: [{ p: 1 }] } },
    }).map((i) => i.label);
    expect(names).toEqual(
      expect.arrayContaining([
        'steps.classify.output.label',
        'steps.classify.output.scores',
        'steps.classify.output.scores[0]',
      ]),
    );
    const hyphen = structuredClone(file);
    hyphen.stepsConfig[1]!.stepSlug = 'class-ify';
    (hyphen.stepsConfig[0] as { nextSteps: Record<string, string> }).nextSteps = { default: 'class-ify' };
    const expr = expressionNames(hyphen, ['stepsConfig', 2]).map((i) => i.label);
    expect(expr).toContain('steps.`class-ify`.output');
  });
});

describe('renameSlug', () => {
  it('rewrites whole names only, in templates and expressions', () => {
    expect(rewriteText('{{steps.a.output}} {{ steps.a }} steps.ab mysteps.a', 'a', 'b')).toBe(
      '{{steps.b.output}} {{ steps.b }} steps.ab mysteps.a',
    );
    expect(rewriteText('{{loop.previous.a.output}}', 'a', 'b')).toBe('{{loop.previous.b.output}}');
    expect(rewriteText('steps.`a`.output', 'a', 'b')).toBe('steps.`b`.output');
    expect(rewriteText('steps.a.output = 1', 'a', 'b-c', true)).toBe('steps.`b-c`.output = 1');
    expect(rewriteText('{{steps.a.output}}', 'a', 'b-c')).toBe('{{steps.b-c.output}}');
  });

  it('a slug that is not a JSONata name is quoted in expressions, and the file stays valid', () => {
    const file = everyStepWorkflow();
    const renamed = renameSlug(file, pathOfSlug(file, 'classify'), 'class-ify');
    expect(getAt(renamed, ['stepsConfig', 2, 'config', 'rules', 0, 'when'])).toBe(
      "steps.`class-ify`.output.label = 'urgent'",
    );
    expect(getAt(renamed, ['stepsConfig', 0, 'nextSteps', 'default'])).toBe('class-ify');
    expect(validateWorkflowFile(renamed, { knownWorkflows: ['Helper'] }).problems).toEqual([]);
  });

  it('retargets only the nextSteps of the same body, and refuses taken or malformed slugs', () => {
    const file = everyStepWorkflow();
    const line = pathOfSlug(file, 'line');
    const renamed = renameSlug(file, pathOfSlug(file, 'tally'), 'count');
    expect(getAt(renamed, [...line, 'nextSteps', 'success'])).toBe('count');
    expect(slugProblem(file, line, 'tally')).toMatch(/already called "tally"/);
    expect(slugProblem(file, line, '1x')).toMatch(/starts with a letter/);
    expect(slugProblem(file, line, 'line')).toBeUndefined();
  });
});

describe('problemsOfStep', () => {
  it("keeps the step's own problems, not those of steps in its bodies", () => {
    const own = problem('error', 'x', ['stepsConfig', 5, 'config', 'while'], 'own');
    const body = problem('error', 'x', ['stepsConfig', 5, 'config', 'steps'], 'body list');
    const child = problem('error', 'x', ['stepsConfig', 5, 'config', 'steps', 0, 'config'], 'child');
    const branchChild = problem('error', 'x', ['stepsConfig', 6, 'config', 'branches', 'a', 0], 'branch child');
    const other = problem('error', 'x', ['stepsConfig', 4], 'other');
    expect(problemsOfStep([own, body, child, other], ['stepsConfig', 5])).toEqual([own, body]);
    expect(problemsOfStep([branchChild], ['stepsConfig', 6])).toEqual([]);
  });
});
