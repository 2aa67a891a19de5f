import { describe, expect, it } from 'vitest';
import { previewWorkflowText } from '../../src/schema/importer';
import { STEP_TYPES } from '../../src/schema/steps';
import { TEMPLATES } from '../../src/templates';
import { containers, pick, removeSomewhere } from '../support/jsonMutations';
import { seededRandom } from '../support/workflows';

const ITERATIONS = 1200;
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20261122);

type Json = unknown;

const HOSTILE: Json[] = [
  null,
  0,
  -1,
  1e308,
  true,
  '',
  '{{',
  '}}',
  '{{steps.ghost.output}}',
  '{{loop.item}}',
  '{{secrets.X}}',
  '{{ input.a[0].b }}',
  '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)',
  '('.repeat(3000),
  '$eval("1")',
  '($f := function($x){ $f($x) }; $f(1))',
  'x'.repeat(50_000),
  [],
  {},
  [1, 'two', null],
  { nested: { deeper: [{}] } },
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  'https://evil.example.org/',
  'constructor',
  'toString',
];

function deepNest(depth: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const MUTATIONS: Array<(doc: any, random: () => number) => void> = [
  (doc, r) => removeSomewhere(doc, r),
  (doc, r) => {
    // replace a value with something hostile or of the wrong type
    const target = pick(r, containers(doc));
    const keys = Object.keys(target);
    if (keys.length === 0) return;
    (target as any)[pick(r, keys)] = structuredClone(pick(r, HOSTILE));
  },
  (doc, r) => {
    // duplicate a step
    if (!Array.isArray(doc.stepsConfig) || doc.stepsConfig.length === 0) return;
    doc.stepsConfig.push(structuredClone(pick(r, doc.stepsConfig)));
  },
  (doc, r) => {
    // change a step type
    const steps = containers(doc).filter((c: any) => c && typeof c.stepType === 'string');
    if (steps.length) (pick(r, steps) as any).stepType = pick(r, [...STEP_TYPES, 'bogus', '']);
  },
  (doc, r) => {
    // rewire a branch
    const withNext = containers(doc).filter((c: any) => c && c.nextSteps && typeof c.nextSteps === 'object');
    if (!withNext.length) return;
    const step = pick(r, withNext) as any;
    const slugs = containers(doc)
      .map((c: any) => c?.stepSlug)
      .filter((s) => typeof s === 'string');
    step.nextSteps[pick(r, ['default', 'success', 'failure', 'timeout', 'weird'])] = pick(r, [...slugs, 'nowhere']);
  },
  (doc, r) => {
    // add an unknown field
    const target = pick(r, containers(doc));
    if (!Array.isArray(target)) target[`x_${Math.floor(r() * 1000)}`] = pick(r, HOSTILE);
  },
  (doc, r) => {
    // nest something too deep
    const target = pick(r, containers(doc));
    if (!Array.isArray(target)) target.deep = deepNest(40 + Math.floor(r() * 60));
  },
];

function mutateText(text: string, random: () => number): string {
  const position = Math.floor(random() * text.length);
  if (random() < 0.5) return text.slice(0, position); // truncated
  const junk = pick(random, ['"', '{', '}', ',', '\\', '\u0000', '💥', ' ']);
  return text.slice(0, position) + junk + text.slice(position + 1); // corrupted
}

describe('fuzzing the importer with seeded mutations of the templates', () => {
  it(`${ITERATIONS} mutations each give a workflow or validation problems, never an exception`, () => {
    let valid = 0;
    let invalid = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const seed = BASE_SEED + i;
      const random = seededRandom(seed);
      const doc = structuredClone(pick(random, TEMPLATES).doc) as any;
      const count = 1 + Math.floor(random() * 4);
      for (let m = 0; m < count; m++) pick(random, MUTATIONS)(doc, random);
      let text = JSON.stringify(doc);
      if (random() < 0.15) text = mutateText(text, random);
      let preview;
      try {
        preview = previewWorkflowText(text);
      } catch (error) {
        throw new Error(`seed ${seed} (FUZZ_SEED=${seed}, iteration 0) threw: ${(error as Error).stack}`, {
          cause: error,
        });
      }
      const context = `seed ${seed}`;
      expect(typeof preview.ok, context).toBe('boolean');
      if (preview.ok) {
        valid++;
        expect(preview.file, context).toBeDefined();
      } else {
        invalid++;
        expect(preview.problems.length, context).toBeGreaterThan(0);
        for (const p of preview.problems) {
          expect(typeof p.message, context).toBe('string');
          expect(p.path.startsWith('$'), context).toBe(true);
        }
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(valid + invalid).toBe(ITERATIONS);
    expect(invalid).toBeGreaterThan(ITERATIONS / 2);
  });
});
