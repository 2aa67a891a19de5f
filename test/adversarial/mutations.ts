import { STEP_TYPES } from '../../src/schema/steps';
import type { WorkflowFile } from '../../src/schema/workflow';
import {
  CATASTROPHIC_PATTERNS,
  defineOwn,
  EXOTIC_STRINGS,
  JSONATA_BOMBS,
  JSONATA_GLOBALS,
  POLLUTION_KEYS,
  regexExpressions,
  regexSchemas,
} from './payloads';
import { containers, pick, removeSomewhere, type Json, type Random } from '../support/jsonMutations';

/** Seeded structural mutations of a template: what a careless or hostile editor does to a file. */

function hostileValue(random: Random): Json {
  const pools: Array<() => Json> = [
    () => pick(random, EXOTIC_STRINGS),
    () =>
      pick(random, [
        null,
        0,
        -0,
        -1,
        1e308,
        -1e308,
        2 ** 53 + 1,
        0.1,
        true,
        false,
        '',
        [],
        {},
        [[[]]],
        { a: { b: {} } },
      ]),
    () =>
      pick(random, [
        '{{',
        '}}',
        '{{}}',
        '{{steps}}',
        '{{steps.ghost.output}}',
        '{{loop.item}}',
        '{{secrets.TOKEN}}',
        '{{input.a[99999999]}}',
        '{{ input.__proto__ }}',
      ]),
    () => pick(random, JSONATA_BOMBS),
    () => pick(random, JSONATA_GLOBALS),
    () => pick(random, regexExpressions(pick(random, CATASTROPHIC_PATTERNS))),
    () => pick(random, regexSchemas(pick(random, CATASTROPHIC_PATTERNS))),
    () => 'x'.repeat(pick(random, [201, 5_001, 10_001, 200_001])),
    () =>
      pick(random, [
        'javascript:alert(1)',
        '<img src=x onerror=alert(1)>',
        'http://2130706433/',
        'http://[::1]/',
        'http://0x7f.1/',
      ]),
  ];
  return structuredClone(pick(random, pools)());
}

const steps = (doc: Json): Json[] =>
  containers(doc).filter((c) => c && typeof c === 'object' && typeof c.stepType === 'string');
const slugs = (doc: Json): string[] =>
  steps(doc)
    .map((s) => s.stepSlug)
    .filter((s) => typeof s === 'string');

function setSomewhere(doc: Json, random: Random, value: () => Json): void {
  const target = pick(random, containers(doc));
  const keys = Object.keys(target);
  if (keys.length > 0) target[pick(random, keys)] = value();
}

const MUTATIONS: Array<(doc: Json, random: Random) => void> = [
  (doc, r) => setSomewhere(doc, r, () => hostileValue(r)),
  (doc, r) => setSomewhere(doc, r, () => hostileValue(r)),
  (doc, r) => removeSomewhere(doc, r),
  (doc, r) => {
    // another step type under the same config
    const all = steps(doc);
    if (all.length) pick(r, all).stepType = pick(r, [...STEP_TYPES, 'bogus', 'Trigger', '']);
  },
  (doc, r) => {
    // rewire: to itself, to another step, to nowhere
    const all = steps(doc);
    if (!all.length) return;
    const step = pick(r, all);
    const key = pick(r, [
      'default',
      'success',
      'failure',
      'timeout',
      'approved',
      'rejected',
      'yes',
      'weird',
      '__proto__',
    ]);
    step.nextSteps = step.nextSteps && typeof step.nextSteps === 'object' ? step.nextSteps : {};
    defineOwn(step.nextSteps, key, pick(r, [step.stepSlug, pick(r, [...slugs(doc), 'x']), 'nowhere', 42]));
  },
  (doc, r) => {
    // duplicate a step (duplicate slug) or rename one (dangling references)
    const all = steps(doc);
    if (!all.length) return;
    const step = pick(r, all);
    if (r() < 0.5) doc.stepsConfig?.push?.(structuredClone(step));
    else step.stepSlug = `${step.stepSlug}_renamed`;
  },
  (doc, r) => {
    // a pollution key somewhere
    defineOwn(
      pick(
        r,
        containers(doc).filter((c) => !Array.isArray(c)),
      ),
      pick(r, POLLUTION_KEYS),
      hostileValue(r),
    );
  },
  (doc, r) => {
    // a hostile expression where one is accepted
    const all = steps(doc);
    const expression = pick(r, [
      ...JSONATA_BOMBS,
      ...JSONATA_GLOBALS,
      ...regexExpressions(pick(r, CATASTROPHIC_PATTERNS)),
    ]);
    const step = all.length ? pick(r, all) : undefined;
    if (step?.stepType === 'condition' && Array.isArray(step.config?.rules) && step.config.rules[0])
      step.config.rules[0].when = expression;
    else if (step?.config?.action === 'transform') step.config.expression = expression;
    else if (step?.stepType === 'loop' && step.config) step.config.while = expression;
    else
      doc.stepsConfig?.push?.({
        stepSlug: 'calc_x',
        name: 'Calc',
        stepType: 'action',
        config: { action: 'transform', expression },
      });
  },
  (doc, r) => {
    // a hostile JSON Schema where one is accepted
    const schema = pick(r, regexSchemas(pick(r, CATASTROPHIC_PATTERNS)));
    const llm = steps(doc).find((s) => s.config?.llmNode);
    if (llm && r() < 0.5) llm.config.llmNode.outputSchema = schema;
    else if (doc.workflowConfig && typeof doc.workflowConfig === 'object')
      doc.workflowConfig.config = { ...doc.workflowConfig.config, inputSchema: schema };
  },
  (doc, r) => {
    // wrap the steps of the document in a loop or a parallel branch
    if (!Array.isArray(doc.stepsConfig) || doc.stepsConfig.length < 2) return;
    const body = doc.stepsConfig.splice(1);
    const container =
      r() < 0.5
        ? {
            stepSlug: 'wrap',
            name: 'Wrap',
            stepType: 'loop',
            config: {
              forEach: pick(r, ['{{input.items}}', [1, 2, 3], '{{steps.ghost.output}}']),
              concurrency: pick(r, [1, 32, 33, 0]),
              steps: body,
            },
          }
        : {
            stepSlug: 'wrap',
            name: 'Wrap',
            stepType: 'parallel',
            config: { join: pick(r, ['all', 'any', 'some']), branches: { a: body, b: structuredClone(body) } },
          };
    doc.stepsConfig.push(container);
    doc.stepsConfig[0].nextSteps = { default: 'wrap' };
  },
];

/** Truncated or corrupted text: a download cut short, a stray character. */
function damageText(text: string, random: Random): string {
  const at = Math.floor(random() * text.length);
  if (random() < 0.5) return text.slice(0, at);
  return (
    text.slice(0, at) +
    pick(random, ['"', '{', '}', ',', '\\', '\u0000', '💥', ' ', '\ud800', '\\u12', 'NaN', '1e999']) +
    text.slice(at + 1)
  );
}

export function mutateTemplate(random: Random, template: WorkflowFile): string {
  const doc = structuredClone(template) as Json;
  const count = 1 + Math.floor(random() * 5);
  for (let i = 0; i < count; i++) {
    try {
      pick(random, MUTATIONS)(doc, random);
    } catch {
      // An earlier mutation left no room for this one (e.g. steps replaced by a string): skip it.
    }
  }
  const text = JSON.stringify(doc);
  return random() < 0.12 ? damageText(text, random) : text;
}
