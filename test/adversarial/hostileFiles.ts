import { TEMPLATES } from '../../src/templates';
import { around, seededRandom } from '../support/workflows';
import { BIG_FILES, type BigFile } from './bigFiles';
import { mutateTemplate } from './mutations';
import { SHARE_LINKS, SMALL_SHARE_LINKS } from './shareLinks';
import {
  CATASTROPHIC_PATTERNS,
  defineOwn,
  EXOTIC_STRINGS,
  JSONATA_BOMBS,
  JSONATA_GLOBALS,
  NON_RE2_PATTERNS,
  POLLUTION_KEYS,
  regexExpressions,
  regexSchemas,
} from './payloads';

/** One generated file: replayable from its seed alone. */
export interface HostileFile {
  seed: number;
  kind: string;
  expect: BigFile['expect'];
  form: 'text' | 'share';
  text: string;
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const json = (value: unknown) => JSON.stringify(value);

/** A valid workflow around one step, so the hostile part is what the checks meet. */
function expressionStep(random: Random, expression: string): Record<string, unknown> {
  const where = pick(random, ['condition', 'transform', 'while'] as const);
  if (where === 'condition') {
    return around({
      stepSlug: 'check',
      name: 'Check',
      stepType: 'condition',
      config: { rules: [{ when: expression, next: 'yes' }], default: 'no' },
      nextSteps: { yes: 'done', no: 'done' },
    });
  }
  if (where === 'transform')
    return around({ stepSlug: 'calc', name: 'Calc', stepType: 'action', config: { action: 'transform', expression } });
  const body = [
    { stepSlug: 'page', name: 'Page', stepType: 'action', config: { action: 'set', values: { i: '{{loop.index}}' } } },
  ];
  return around({
    stepSlug: 'again',
    name: 'Again',
    stepType: 'loop',
    config: { while: expression, maxIterations: 3, steps: body },
  });
}

function schemaWorkflow(random: Random, schema: Record<string, unknown>): Record<string, unknown> {
  if (random() < 0.5) {
    const doc = around({
      stepSlug: 'ask',
      name: 'Ask',
      stepType: 'llm',
      config: {
        llmNode: { name: 'ask', model: 'm', userPrompt: 'say {{input.text}}', tools: [], outputSchema: schema },
      },
    });
    return doc;
  }
  return around(
    {
      stepSlug: 'echo',
      name: 'Echo',
      stepType: 'action',
      config: { action: 'set', values: { text: '{{input.text}}' } },
    },
    { inputSchema: schema },
  );
}

/** Own `__proto__`/`constructor`/`prototype` keys at every level of a template (or at one random level). */
function polluted(random: Random): Record<string, unknown> {
  const doc = structuredClone(pick(random, TEMPLATES).doc) as unknown as Record<string, unknown>;
  const everyLevel = random() < 0.3;
  const key = pick(random, POLLUTION_KEYS);
  const objects: object[] = [];
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (!Array.isArray(value)) objects.push(value);
    stack.push(...Object.values(value));
  }
  const targets = everyLevel ? objects : [pick(random, objects)];
  for (const target of targets)
    defineOwn(target, key, pick<unknown>(random, [{ polluted: true }, 'x', [], { toString: 'boom' }, null]));
  return doc;
}

/** Exotic Unicode in slugs, branch keys, names, variable and table names. */
function exoticUnicode(random: Random): string {
  const doc = structuredClone(pick(random, TEMPLATES).doc) as any;
  const steps = doc.stepsConfig as any[];
  const odd = () => pick(random, EXOTIC_STRINGS);
  const place = pick(random, ['slug', 'nextKey', 'name', 'variable', 'table', 'secret', 'event'] as const);
  const step = pick(random, steps);
  if (place === 'slug') {
    const slug = `${pick(random, ['s', '', '_'])}${odd()}`;
    for (const other of steps)
      for (const k of Object.keys(other.nextSteps ?? {}))
        if (other.nextSteps[k] === step.stepSlug) other.nextSteps[k] = slug;
    step.stepSlug = slug;
  } else if (place === 'nextKey') step.nextSteps = { [odd()]: steps[0].stepSlug, ...step.nextSteps };
  else if (place === 'name') (random() < 0.5 ? step : doc.workflowConfig).name = `${odd()}${odd()}`;
  else if (place === 'variable')
    doc.workflowConfig.config = { ...doc.workflowConfig.config, variables: { [odd()]: odd() } };
  else if (place === 'secret')
    doc.workflowConfig.config = { ...doc.workflowConfig.config, secrets: { [odd()]: { kind: 'local' } } };
  else if (place === 'event') steps.push({ stepSlug: 'ev', name: 'Ev', stepType: 'event', config: { event: odd() } });
  else
    steps.push({
      stepSlug: 'tq',
      name: 'Tq',
      stepType: 'action',
      config: { action: 'table.query', table: odd(), where: { [odd()]: odd() } },
    });
  const text = json(doc);
  // JSON.stringify escapes lone surrogates; half the time put them in raw, as a hand-edited file would.
  return random() < 0.5 ? text : text.replaceAll('\\ud800', '\ud800').replaceAll('\\udfff', '\udfff');
}

type FileClass = BigFile;

const SMALL_CLASSES: FileClass[] = [
  { name: 'template mutation', expect: 'either', make: (r) => mutateTemplate(r, pick(r, TEMPLATES).doc) },
  { name: 'template mutation', expect: 'either', make: (r) => mutateTemplate(r, pick(r, TEMPLATES).doc) },
  { name: 'template mutation', expect: 'either', make: (r) => mutateTemplate(r, pick(r, TEMPLATES).doc) },
  { name: 'prototype-pollution keys', expect: 'either', make: (r) => json(polluted(r)) },
  { name: 'exotic Unicode', expect: 'either', make: exoticUnicode },
  {
    name: 'catastrophic regex in a JSON Schema',
    expect: 'either',
    make: (r) => json(schemaWorkflow(r, pick(r, regexSchemas(pick(r, CATASTROPHIC_PATTERNS))))),
  },
  {
    name: 'non-RE2 regex in a JSON Schema',
    expect: 'either',
    make: (r) => json(schemaWorkflow(r, pick(r, regexSchemas(pick(r, NON_RE2_PATTERNS))))),
  },
  {
    name: 'catastrophic regex in JSONata',
    expect: 'either',
    make: (r) => json(expressionStep(r, pick(r, regexExpressions(pick(r, CATASTROPHIC_PATTERNS))))),
  },
  {
    name: 'non-RE2 regex in JSONata',
    expect: 'refused',
    make: (r) => json(expressionStep(r, pick(r, regexExpressions(pick(r, NON_RE2_PATTERNS))))),
  },
  { name: 'JSONata bomb', expect: 'either', make: (r) => json(expressionStep(r, pick(r, JSONATA_BOMBS))) },
  {
    name: 'JSONata reaching for globals',
    expect: 'either',
    make: (r) => json(expressionStep(r, pick(r, JSONATA_GLOBALS))),
  },
  ...SMALL_SHARE_LINKS,
  {
    name: 'small nextSteps cycle',
    expect: 'refused',
    make: () =>
      json(
        around({
          stepSlug: 'a',
          name: 'A',
          stepType: 'action',
          config: { action: 'set', values: {} },
          nextSteps: { success: 'a' },
        }),
      ),
  },
];

const HEAVY_CLASSES: FileClass[] = [...BIG_FILES, ...SHARE_LINKS];

/** Every HEAVY_EVERY-th file is a big one, cycling through them: all appear even in a small sample. */
const HEAVY_EVERY = 20;

/** The class of the index-th file. */
export function hostileKind(index: number): FileClass {
  return index % HEAVY_EVERY === HEAVY_EVERY - 1
    ? HEAVY_CLASSES[Math.floor(index / HEAVY_EVERY) % HEAVY_CLASSES.length]!
    : SMALL_CLASSES[index % SMALL_CLASSES.length]!;
}

/** The index-th file of a run seeded with baseSeed. */
export async function hostileFile(index: number, baseSeed: number): Promise<HostileFile> {
  const seed = baseSeed * 1_000_003 + index;
  const kind = hostileKind(index);
  return {
    seed,
    kind: kind.name,
    expect: kind.expect,
    form: kind.form ?? 'text',
    text: await kind.make(seededRandom(seed)),
  };
}
