import type { Evaluator, EvaluatorKind, ExpectedValue } from '../../schema/experiment';
import { errorMessage } from '../../schema/errorMessage';

/**
 * One evaluator as its form holds it (text fields as typed), and the evaluator it stands for or the
 * problems of its fields. No React.
 */
export interface EvaluatorDraft {
  id: string;
  kind: EvaluatorKind;
  label: string;
  /** Dotted path into the output (`''`: all of it); not for jsonata and llm-judge. */
  path: string;
  schemaText: string;
  /** `none`: no expected value (jsonata and judges only; equals and contains need one). */
  expectedFrom: ExpectedValue['from'] | 'none';
  /** The expected value as typed: JSON when it parses as JSON, else the text itself. */
  expectedText: string;
  expectedColumn: string;
  caseSensitive: boolean;
  pattern: string;
  caseInsensitive: boolean;
  expression: string;
  prompt: string;
  judgeProvider: string;
  judgeModel: string;
}

export const EVALUATOR_KINDS: ReadonlyArray<{ kind: EvaluatorKind; label: string }> = [
  { kind: 'json-schema', label: 'Matches a JSON Schema' },
  { kind: 'equals', label: 'Equals' },
  { kind: 'contains', label: 'Contains' },
  { kind: 'regex', label: 'Matches a regex' },
  { kind: 'jsonata', label: 'JSONata is true' },
  { kind: 'llm-judge', label: 'LLM as judge' },
];

const DEFAULT_JUDGE_PROMPT =
  'Input: {{input}}\nExpected: {{expected}}\nOutput: {{output}}\n\nDoes the output answer the input correctly?';

export function newEvaluatorDraft(kind: EvaluatorKind, id: string, expectedColumn = ''): EvaluatorDraft {
  return {
    id,
    kind,
    label: EVALUATOR_KINDS.find((k) => k.kind === kind)?.label ?? kind,
    path: '',
    schemaText: '{\n  "type": "object"\n}',
    expectedFrom: expectedColumn ? 'column' : kind === 'jsonata' || kind === 'llm-judge' ? 'none' : 'value',
    expectedText: '',
    expectedColumn,
    caseSensitive: true,
    pattern: '',
    caseInsensitive: false,
    expression: 'output = expected',
    prompt: DEFAULT_JUDGE_PROMPT,
    judgeProvider: 'demo',
    judgeModel: 'demo-judge',
  };
}

/** A field of a draft and what is wrong with it, for the message under that field. */
export interface FieldProblem {
  field: string;
  message: string;
}

export type BuiltEvaluator = { ok: true; evaluator: Evaluator } | { ok: false; problems: FieldProblem[] };

/** The evaluator a draft stands for; problems name the field (`label`, `schema`, `expected`, `pattern`…). */
export function buildEvaluator(draft: EvaluatorDraft): BuiltEvaluator {
  const problems: FieldProblem[] = [];
  const need = (field: string, value: string, what: string) => {
    if (value.trim() === '') problems.push({ field, message: `${what} is empty` });
  };
  need('label', draft.label, 'the name');
  const base = { id: draft.id, label: draft.label.trim() };
  const evaluator = evaluatorOf(draft, base, need, (field, message) => problems.push({ field, message }));
  return problems.length > 0 || !evaluator ? { ok: false, problems } : { ok: true, evaluator };
}

type Add = (field: string, message: string) => void;
type Need = (field: string, value: string, what: string) => void;

function evaluatorOf(
  draft: EvaluatorDraft,
  base: { id: string; label: string },
  need: Need,
  add: Add,
): Evaluator | undefined {
  const path = draft.path.trim();
  switch (draft.kind) {
    case 'json-schema': {
      const schema = parseSchema(draft.schemaText, add);
      return schema && { ...base, kind: 'json-schema', path, schema };
    }
    case 'equals':
    case 'contains': {
      const expected = expectedOf(draft, need);
      if (!expected) return undefined;
      return draft.kind === 'equals'
        ? { ...base, kind: 'equals', path, expected }
        : { ...base, kind: 'contains', path, expected, caseSensitive: draft.caseSensitive };
    }
    case 'regex':
      need('pattern', draft.pattern, 'the pattern');
      return { ...base, kind: 'regex', path, pattern: draft.pattern, caseInsensitive: draft.caseInsensitive };
    case 'jsonata': {
      need('expression', draft.expression, 'the expression');
      const expected = optionalExpected(draft, need);
      return { ...base, kind: 'jsonata', expression: draft.expression, ...expected };
    }
    case 'llm-judge': {
      need('prompt', draft.prompt, 'the prompt');
      need('judgeModel', draft.judgeModel, 'the model');
      const provider = draft.judgeProvider.trim();
      const model = { model: draft.judgeModel.trim(), ...(provider ? { provider } : {}) };
      return { ...base, kind: 'llm-judge', prompt: draft.prompt, model, ...optionalExpected(draft, need) };
    }
  }
}

function parseSchema(text: string, add: Add): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    add('schema', 'a JSON Schema is an object, e.g. { "type": "object" }');
  } catch (error) {
    add('schema', `not valid JSON: ${errorMessage(error)}`);
  }
  return undefined;
}

/** What `expected` holds in a jsonata expression or a judge's prompt, when the draft names one. */
function optionalExpected(draft: EvaluatorDraft, need: Need): { expected?: ExpectedValue } {
  if (draft.expectedFrom === 'none') return {};
  const expected = expectedOf(draft, need);
  return expected ? { expected } : {};
}

function expectedOf(draft: EvaluatorDraft, need: Need): ExpectedValue | undefined {
  if (draft.expectedFrom === 'none') {
    need('expected', '', 'the expected value');
    return undefined;
  }
  if (draft.expectedFrom === 'column') {
    need('expected', draft.expectedColumn, 'the expected column');
    return draft.expectedColumn ? { from: 'column', column: draft.expectedColumn } : undefined;
  }
  return { from: 'value', value: typedValue(draft.expectedText) };
}

/** `42`, `true`, `{"a":1}` are JSON values; anything else is the text as typed. */
function typedValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
