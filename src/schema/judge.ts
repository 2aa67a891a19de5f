import type { Evaluator, ExperimentRow } from './experiment';
import { readExpected } from './evaluatorValues';
import { FORMAT_VERSION, type WorkflowFile } from './workflow';

/**
 * LLM as judge: the evaluator becomes a one-step workflow run like any other (durable, its tokens and
 * cost its own). The row, the output and the expected value are the judge run's input; the evaluator's
 * template only names them, so nothing from the data ever becomes part of a template.
 */

export type JudgeEvaluator = Extract<Evaluator, { kind: 'llm-judge' }>;

export interface JudgeContext {
  input: ExperimentRow;
  output: unknown;
  /** Used when the judge names no `expected` of its own. */
  expected?: unknown;
}

export interface JudgeRun {
  workflow: WorkflowFile;
  /** The judge run's input: what `{{input}}`, `{{output}}` and `{{expected}}` in the prompt read. */
  input: { input: ExperimentRow; output: unknown; expected: unknown };
}

/** What a judge answered: a verdict, or an answer that was not one (a failing result all the same). */
export type JudgeVerdict =
  { kind: 'verdict'; pass: boolean; reason: string } | { kind: 'malformed'; pass: false; reason: string };

export const JUDGE_STEP_SLUG = 'judge';
export const JUDGE_ROOTS = ['input', 'output', 'expected'] as const;
const JUDGE_REASON_CHARS = 2_000;

/** The answer every judge must give. */
export const JUDGE_VERDICT_SCHEMA = {
  type: 'object',
  properties: {
    pass: { type: 'boolean', description: 'true when the output meets the criteria' },
    reason: { type: 'string', description: 'one or two sentences saying why' },
  },
  required: ['pass', 'reason'],
  additionalProperties: false,
} as const;

const JUDGE_SYSTEM_PROMPT =
  'You are an evaluator. Read the criteria and the output below and decide whether the output meets them. ' +
  'Answer with a verdict (true or false) and a short reason.';

/** Appended to a prompt that names none of the data, so the judge always sees what it judges. */
const DATA_BLOCK = '\n\nInput: {{input.input}}\nOutput: {{input.output}}\nExpected: {{input.expected}}';

/** `{{ output.answer }}` → `{{input.output.answer}}`: the judge's data lives in its run's input. */
const REF = /\{\{([^}]*)\}\}/g;
const REF_BODY = /^(input|output|expected)((\.[\p{L}\p{N}_$-]+)|(\[\d{1,15}\]))*$/u;

export type JudgePromptCheck = { ok: true; userPrompt: string } | { ok: false; problems: string[] };

/** The judge step's user prompt, or every reference in the evaluator's template that is not a path into the data. */
export function judgeUserPrompt(template: string): JudgePromptCheck {
  const problems: string[] = [];
  let refs = 0;
  const rewritten = template.replace(REF, (raw, body: string, at: number) => {
    const path = body.trim();
    refs += 1;
    if (!REF_BODY.test(path)) {
      problems.push(
        `${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw} at character ${at}: a judge's prompt names ` +
          `only paths into ${JUDGE_ROOTS.join(', ')}, like {{output}} or {{input.question}}`,
      );
    }
    return `{{input.${path}}}`;
  });
  const lastClose = template.lastIndexOf('}}');
  if ((lastClose === -1 ? template : template.slice(lastClose + 2)).includes('{{'))
    problems.push(`unclosed {{ at character ${template.lastIndexOf('{{')}`);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, userPrompt: refs === 0 ? `${rewritten}${DATA_BLOCK}` : rewritten };
}

/**
 * The judge as a workflow file and the input of its run. Throws only for a prompt `checkEvaluators`
 * reports (the setup screen refuses to start with it).
 */
export function judgeWorkflow(evaluator: JudgeEvaluator, ctx: JudgeContext): JudgeRun {
  const prompt = judgeUserPrompt(evaluator.prompt);
  if (!prompt.ok) throw new Error(`the judge "${evaluator.label}": ${prompt.problems.join('; ')}`);
  const read = evaluator.expected ? readExpected(evaluator.expected, ctx.input) : undefined;
  const expected = read ? (read.found ? read.value : null) : (ctx.expected ?? null);
  const workflow: WorkflowFile = {
    formatVersion: FORMAT_VERSION,
    workflowConfig: {
      name: `Judge: ${evaluator.label}`,
      description: 'An experiment evaluator: an LLM deciding whether one output passes.',
      workflowType: 'predefined',
      config: {
        inputSchema: {
          type: 'object',
          properties: { input: { type: 'object' }, output: {}, expected: {} },
          required: ['input'],
        },
      },
    },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: JUDGE_STEP_SLUG },
      },
      {
        stepSlug: JUDGE_STEP_SLUG,
        name: evaluator.label,
        stepType: 'llm',
        config: {
          llmNode: {
            name: JUDGE_STEP_SLUG,
            model: evaluator.model.model,
            ...(evaluator.model.provider ? { provider: evaluator.model.provider } : {}),
            systemPrompt: JUDGE_SYSTEM_PROMPT,
            userPrompt: prompt.userPrompt,
            tools: [],
            temperature: 0,
            outputSchema: structuredClone(JUDGE_VERDICT_SCHEMA) as unknown as Record<string, unknown>,
          },
        },
        nextSteps: {},
      },
    ],
  };
  return { workflow, input: { input: ctx.input, output: ctx.output ?? null, expected } };
}

/** The judge run's output read as a verdict; anything else is a malformed answer, which fails the check. */
export function readJudgeVerdict(output: unknown): JudgeVerdict {
  let answer = output;
  if (typeof answer === 'string') {
    try {
      answer = JSON.parse(answer) as unknown;
    } catch {
      return malformed('it is text, not a JSON verdict');
    }
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
    return malformed('it is not an object with "pass" and "reason"');
  }
  const { pass, reason } = answer as Record<string, unknown>;
  if (typeof pass !== 'boolean') return malformed('"pass" is not true or false');
  if (typeof reason !== 'string') return malformed('"reason" is not text');
  const trimmed = reason.trim();
  const short = trimmed.length > JUDGE_REASON_CHARS ? `${trimmed.slice(0, JUDGE_REASON_CHARS)}…` : trimmed;
  return {
    kind: 'verdict',
    pass,
    reason: short === '' ? (pass ? 'the judge passed it' : 'the judge failed it') : short,
  };
}

function malformed(why: string): JudgeVerdict {
  return { kind: 'malformed', pass: false, reason: `the judge's answer was malformed: ${why}` };
}
