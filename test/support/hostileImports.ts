import { createDeflateRaw } from 'node:zlib';

/**
 * Hostile workflow files and share links, each built to hurt the importer in one way (issues 16 and 18): floods of
 * problems, huge fan-outs, deep values. Every one is within the 4 MB import limit.
 */

type Step = Record<string, unknown>;

const trigger = (nextSteps: Record<string, unknown> = {}): Step => ({
  stepSlug: 'start',
  name: 'Start',
  stepType: 'trigger',
  config: { type: 'manual' },
  nextSteps,
});

function file(stepsConfig: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ workflowConfig: { name: 'Hostile' }, stepsConfig, ...extra });
}

/** One step whose nextSteps holds `count` values that are not slugs (issue 18: 200,000). */
export function invalidNextSteps(count = 200_000): string {
  const nextSteps: Record<string, number> = {};
  for (let i = 0; i < count; i++) nextSteps[`k${i}`] = i;
  return file([trigger(nextSteps)]);
}

/** A parallel step with `count` empty branches (issue 18: 300,000). */
export function emptyBranches(count = 300_000): string {
  const branches: Record<string, unknown[]> = {};
  for (let i = 0; i < count; i++) branches[`b${i}`] = [];
  return file([
    trigger({ default: 'fan' }),
    { stepSlug: 'fan', name: 'Fan', stepType: 'parallel', config: { branches } },
  ]);
}

/** A trigger and `count` steps nothing points to: one warning each (issue 18: 19,999). */
export function unreachableSteps(count = 19_999): string {
  const steps: Step[] = [trigger()];
  for (let i = 0; i < count; i++) {
    steps.push({ stepSlug: `s${i}`, name: `S${i}`, stepType: 'action', config: { action: 'set', values: { i } } });
  }
  return file(steps);
}

/** About `bytes` of numbers in lists of 10,000, all `depth` levels down (issue 18: a 3.6 MB value nested 60 deep). */
export function deepWideValue(bytes = 3_600_000, depth = 60): string {
  const list = `[${Array.from({ length: 10_000 }, () => '0').join(',')}]`;
  const lists = Array.from({ length: Math.floor(bytes / list.length) }, () => list).join(',');
  return file([trigger()]).replace(/}$/, `,"padding":${'['.repeat(depth - 2)}[${lists}]${']'.repeat(depth - 2)}}`);
}

/** One list of `count` numbers, `depth` levels down: past the entries limit. */
export function deepLongList(count = 1_800_000, depth = 60): string {
  const list = `[${Array.from({ length: count }, () => '0').join(',')}]`;
  return file([trigger()]).replace(/}$/, `,"padding":${'['.repeat(depth - 1)}${list}${']'.repeat(depth - 1)}}`);
}

/** `count` steps of an unknown type: one shape problem each from the schema. */
export function unknownStepTypes(count = 19_999): string {
  const steps: Step[] = [trigger({ default: 's0' })];
  for (let i = 0; i < count; i++)
    steps.push({ stepSlug: `s${i}`, name: 'x', stepType: 'nope', config: {}, nextSteps: { default: `s${i + 1}` } });
  return file(steps);
}

/** Steps whose prompts name steps that do not exist, many times each: a flood of reference warnings (~1.9 MB). */
export function danglingReferences(steps = 400, refsPerStep = 250): string {
  const list: Step[] = [trigger({ default: 'a0' })];
  const prompt = Array.from({ length: refsPerStep }, (_, i) => `{{steps.g${i}.output}}`).join(' ');
  for (let i = 0; i < steps; i++) {
    list.push({
      stepSlug: `a${i}`,
      name: 'A',
      stepType: 'llm',
      config: { llmNode: { name: 'a', model: 'm', userPrompt: prompt } },
      nextSteps: i + 1 < steps ? { success: `a${i + 1}` } : {},
    });
  }
  return file(list);
}

/** A huge array where the schema wants strings: a flood of zod issues in one place. */
export function hugeToolArray(count = 500_000): string {
  const tools = Array.from({ length: count }, () => 0);
  return file([
    trigger({ default: 'ask' }),
    {
      stepSlug: 'ask',
      name: 'Ask',
      stepType: 'llm',
      config: { llmNode: { name: 'a', model: 'm', userPrompt: 'hi', tools } },
    },
  ]);
}

/** Every step slug duplicated: `count` duplicate-slug errors and as many unknown-target edges. */
export function duplicateSlugs(count = 19_999): string {
  const steps: Step[] = [trigger({ default: 'same' })];
  for (let i = 0; i < count; i++)
    steps.push({
      stepSlug: 'same',
      name: 'x',
      stepType: 'action',
      config: { action: 'set', values: {} },
      nextSteps: { default: `missing${i}` },
    });
  return file(steps);
}

/** One step packed with wrong values, each list just under the entries limit: zod meets ~40,000 issues in one step. */
export function crowdedStep(count = 10_000): string {
  const nextSteps: Record<string, number> = {};
  for (let i = 0; i < count; i++) nextSteps[`k${i}`] = i;
  const rules = Array.from({ length: count }, () => ({}));
  const tools = Array.from({ length: count }, () => 0);
  return file([
    trigger({ default: 'pick' }),
    {
      stepSlug: 'pick',
      name: 'Pick',
      stepType: 'condition',
      nextSteps,
      config: { rules, llmNode: { tools }, default: 7 },
    },
  ]);
}

/** `count` condition steps, each with an expression to parse. */
export function expressionFlood(count = 8_000): string {
  const when = Array.from({ length: 6 }, (_, i) => `$steps.s${i}.output.value > ${i}`).join(' and ');
  const steps: Step[] = [trigger({ default: 'c0' })];
  for (let i = 0; i < count; i++) {
    steps.push({
      stepSlug: `c${i}`,
      name: 'C',
      stepType: 'condition',
      config: { rules: [{ when, next: 'yes' }] },
      nextSteps: i + 1 < count ? { yes: `c${i + 1}` } : {},
    });
  }
  return file(steps);
}

/** A list of steps that holds `count` numbers instead of steps. */
export function numbersForSteps(count = 20_000): string {
  return file([trigger(), ...Array.from({ length: count - 1 }, () => 0)]);
}

export const HOSTILE_FILES = {
  invalidNextSteps,
  emptyBranches,
  unreachableSteps,
  deepWideValue,
  deepLongList,
  unknownStepTypes,
  danglingReferences,
  hugeToolArray,
  duplicateSlugs,
  crowdedStep,
  expressionFlood,
  numbersForSteps,
} as const;

/** A deflate-raw payload of `totalBytes` zeros, compressed from a stream of 1 MB chunks (never allocated whole). */
export async function zerosPayload(totalBytes: number): Promise<string> {
  const deflate = createDeflateRaw({ level: 9, memLevel: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => deflate.on('end', resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let sent = 0; sent < totalBytes; sent += zeros.length) {
    if (!deflate.write(zeros)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await ended;
  return Buffer.concat(chunks).toString('base64url');
}
