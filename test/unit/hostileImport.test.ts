import { describe, expect, it } from 'vitest';
import { previewWorkflowText, previewWorkflowValue, type ImportPreview } from '../../src/schema/importer';
import { checkJsonShape } from '../../src/schema/jsonText';
import { countProblems, PROBLEM_CAPS, ProblemCollector, problem } from '../../src/schema/problems';
import { validateWorkflowFile } from '../../src/schema/validate';
import { HOSTILE_FILES } from '../support/hostileImports';

/**
 * Files built to hurt the importer (issues 16 and 18). Each gets a verdict within a budget, never an
 * exception, and a short list of problems that still names where they are. The budget is generous
 * (a noisy 2-core CI box); before the fixes these took 5 s or more, or threw RangeError.
 */
const BUDGET_MS = 3_000;

function timedPreview(text: string): { preview: ImportPreview; ms: number } {
  const started = performance.now();
  const preview = previewWorkflowText(text);
  return { preview, ms: performance.now() - started };
}

/** A capped list: at most the total cap plus one summary per kind, every path a JSON path. */
function expectCapped(preview: ImportPreview) {
  const kinds = new Set(preview.problems.map((p) => `${p.severity}|${p.omitted?.code ?? p.code}`));
  expect(preview.problems.length).toBeLessThanOrEqual(PROBLEM_CAPS.total + kinds.size);
  for (const p of preview.problems) expect(p.path).toMatch(/^\$/);
}

function summaryOf(preview: ImportPreview, code: string) {
  return preview.problems.find((p) => p.omitted?.code === code);
}

describe('hostile imports get a verdict within a budget', () => {
  it('refuses 200,000 invalid nextSteps values by their number, naming the object (no RangeError)', () => {
    const { preview, ms } = timedPreview(HOSTILE_FILES.invalidNextSteps());
    expect(preview.ok).toBe(false);
    expect(preview.problems).toEqual([
      expect.objectContaining({
        code: 'too-many-entries',
        path: '$.stepsConfig[0].nextSteps',
        message: 'an object with 200,000 entries; the limit is 10,000',
      }),
    ]);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('refuses 300,000 empty parallel branches, naming the branches object', () => {
    const { preview, ms } = timedPreview(HOSTILE_FILES.emptyBranches());
    expect(preview.ok).toBe(false);
    expect(preview.problems.map((p) => [p.code, p.path])).toEqual([
      ['too-many-entries', '$.stepsConfig[1].config.branches'],
    ]);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('refuses a list of 500,000 tools where the schema wants names', () => {
    const { preview, ms } = timedPreview(HOSTILE_FILES.hugeToolArray());
    expect(preview.problems.map((p) => [p.code, p.path])).toEqual([
      ['too-many-entries', '$.stepsConfig[1].config.llmNode.tools'],
    ]);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('the validator itself never throws on those shapes either', () => {
    for (const build of [HOSTILE_FILES.invalidNextSteps, HOSTILE_FILES.emptyBranches, HOSTILE_FILES.hugeToolArray]) {
      const result = validateWorkflowFile(JSON.parse(build()));
      expect(result.tooLarge).toBe(true);
      expect(result.problems[0]!.code).toBe('too-many-entries');
    }
  });

  it('imports 19,999 unreachable steps with 25 warnings and one "and N more" summary', () => {
    const { preview, ms } = timedPreview(HOSTILE_FILES.unreachableSteps());
    expect(preview.ok).toBe(true);
    expectCapped(preview);
    const warnings = preview.problems.filter((p) => p.code === 'unreachable');
    expect(warnings).toHaveLength(PROBLEM_CAPS.perKind);
    expect(warnings[0]!.path).toBe('$.stepsConfig[1]');
    expect(warnings[1]!.path).toBe('$.stepsConfig[2]');
    const rest = summaryOf(preview, 'unreachable')!;
    expect(rest.omitted).toEqual({ code: 'unreachable', count: 19_999 - PROBLEM_CAPS.perKind });
    expect(rest.message).toMatch(/^and 19,974 more problems of this kind \(unreachable\)/);
    expect(rest.path).toBe(`$.stepsConfig[${PROBLEM_CAPS.perKind + 1}]`);
    expect(countProblems(preview.problems)).toEqual({ errors: 0, warnings: 19_999 });
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('checks a 3.6 MB value nested 60 deep quickly (the shape check keeps parent links, not a path per value)', () => {
    const value = JSON.parse(HOSTILE_FILES.deepLongList());
    const started = performance.now();
    expect(checkJsonShape(value)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
    const { preview, ms } = timedPreview(HOSTILE_FILES.deepWideValue());
    expect(preview.ok).toBe(true);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('still names the path of a value nested too deep, or of a forbidden key deep down', () => {
    const deep = checkJsonShape({ a: [[[[[{ b: Array.from({ length: 70 }).reduce((inner) => [inner], 0) }]]]]] });
    expect(deep).toMatchObject({ code: 'too-deep', path: `$.a[0][0][0][0][0].b${'[0]'.repeat(57)}` });
    const key = checkJsonShape(JSON.parse('{"stepsConfig": [{"config": {"values": [1, {"__proto__": {}}]}}]}'));
    expect(key).toMatchObject({ code: 'forbidden-key', path: '$.stepsConfig[0].config.values[1].__proto__' });
  });

  it('refuses 1.8 million values in one list, 60 levels down, by their number', () => {
    const { preview, ms } = timedPreview(HOSTILE_FILES.deepLongList());
    expect(preview.problems).toEqual([
      expect.objectContaining({ code: 'too-many-entries', path: `$.padding${'[0]'.repeat(59)}` }),
    ]);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('refuses 19,999 steps of an unknown type with a capped list of shape problems', () => {
    const { preview, ms } = timedPreview(HOSTILE_FILES.unknownStepTypes());
    expect(preview.ok).toBe(false);
    expectCapped(preview);
    expect(preview.problems[0]).toMatchObject({ code: 'shape', path: '$.stepsConfig[1].stepType', slug: 's0' });
    expect(preview.problems[0]!.message).toMatch(/unknown step type "nope"/);
    expect(summaryOf(preview, 'shape')!.omitted!.count).toBe(19_999 - PROBLEM_CAPS.perKind);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('caps 100,000 references to steps that do not exist', () => {
    const { preview, ms } = timedPreview(HOSTILE_FILES.danglingReferences());
    expect(preview.ok).toBe(true);
    expectCapped(preview);
    expect(summaryOf(preview, 'unknown-step')!.omitted!.count).toBe(100_000 - PROBLEM_CAPS.perKind);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('caps duplicate slugs and dangling targets, each kind on its own', () => {
    const { preview, ms } = timedPreview(HOSTILE_FILES.duplicateSlugs());
    expect(preview.ok).toBe(false);
    expectCapped(preview);
    expect(summaryOf(preview, 'duplicate-slug')!.omitted!.count).toBe(19_998 - PROBLEM_CAPS.perKind);
    expect(summaryOf(preview, 'unknown-target')!.omitted!.count).toBe(19_999 - PROBLEM_CAPS.perKind);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('gives one step packed with 40,000 wrong values a capped verdict (zod runs one step at a time)', () => {
    const { preview, ms } = timedPreview(HOSTILE_FILES.crowdedStep());
    expect(preview.ok).toBe(false);
    expectCapped(preview);
    expect(preview.problems.some((p) => p.path.startsWith('$.stepsConfig[1].nextSteps.') && p.slug === 'pick')).toBe(
      true,
    );
    expect(countProblems(preview.problems).errors).toBeGreaterThan(30_000);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('checks 8,000 expressions and 20,000 non-steps within the budget', () => {
    for (const build of [HOSTILE_FILES.expressionFlood, HOSTILE_FILES.numbersForSteps]) {
      const { preview, ms } = timedPreview(build());
      expectCapped(preview);
      expect(preview.problems.length).toBeGreaterThan(0);
      expect(ms).toBeLessThan(BUDGET_MS);
    }
  });

  it('turns a check that breaks anyway into a refusal, never an exception', () => {
    const hostile = {
      stepsConfig: [],
      get workflowConfig(): never {
        throw new RangeError('boom');
      },
    };
    const preview = previewWorkflowValue(hostile);
    expect(preview).toMatchObject({ ok: false, file: undefined });
    expect(preview.problems).toEqual([
      expect.objectContaining({
        code: 'check-failed',
        message: expect.stringMatching(/could not be checked \(RangeError: boom\); it was not imported/),
      }),
    ]);
  });
});

describe('ProblemCollector', () => {
  it('keeps the first of each kind, counts the rest, and sorts indexes as numbers', () => {
    const sink = new ProblemCollector({ perKind: 2, total: 3 });
    for (const i of [10, 9, 2, 1]) sink.add(problem('warning', 'unreachable', ['stepsConfig', i], `w${i}`));
    sink.add(problem('error', 'shape', ['stepsConfig', 3], 'e3'));
    sink.add(problem('error', 'shape', ['stepsConfig', 3], 'e3'));
    sink.add(problem('error', 'cycle', ['stepsConfig', 4], 'e4'));
    const result = sink.result();
    expect(result.map((p) => (p.omitted ? `+${p.omitted.count} ${p.omitted.code}` : p.message))).toEqual([
      'e3',
      '+1 cycle',
      'w9',
      'w10',
      '+2 unreachable',
    ]);
    expect(result[1]!.message).toBe('and 1 more problem of this kind (cycle), the next one: e4');
    expect(sink.hasErrors).toBe(true);
    expect(countProblems(result)).toEqual({ errors: 2, warnings: 4 });
  });
});

describe('problems quote file content clipped', () => {
  it('a 200,000-character nextSteps target, key and slug give short messages, paths and slugs', async () => {
    const { previewWorkflowValue } = await import('../../src/schema/importer');
    const long = 'x'.repeat(200_000);
    const preview = previewWorkflowValue({
      workflowConfig: { name: 'long values' },
      stepsConfig: [
        { stepSlug: 'start', stepType: 'trigger', config: {}, nextSteps: { success: long, [long]: 'start' } },
        { stepSlug: `y${long}`, stepType: 'trigger', config: {} },
      ],
    });
    expect(preview.ok).toBe(false);
    expect(preview.problems.length).toBeGreaterThan(0);
    for (const p of preview.problems) {
      expect(p.message.length).toBeLessThanOrEqual(1_000);
      expect(p.path.length).toBeLessThanOrEqual(400);
      expect((p.slug ?? '').length).toBeLessThanOrEqual(120);
    }
    expect(preview.problems.some((p) => p.path === '$.stepsConfig[0].nextSteps.success')).toBe(true);
  });
});
