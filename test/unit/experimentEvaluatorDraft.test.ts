import { describe, expect, it } from 'vitest';
import { evaluatorSchema } from '../../src/schema/experiment';
import { buildEvaluator, EVALUATOR_KINDS, newEvaluatorDraft } from '../../src/ui/experiments/evaluatorDraft';

describe('an evaluator’s form', () => {
  it('gives an evaluator the contract accepts, for every kind', () => {
    for (const { kind } of EVALUATOR_KINDS) {
      const draft = { ...newEvaluatorDraft(kind, 'e1', 'answer'), pattern: '^ok' };
      const built = buildEvaluator(draft);
      expect(built.ok, kind).toBe(true);
      if (built.ok) expect(evaluatorSchema.safeParse(built.evaluator).success, kind).toBe(true);
    }
  });

  it('points jsonata and judges at the expected column, and leaves it out when there is none', () => {
    const withColumn = buildEvaluator(newEvaluatorDraft('jsonata', 'e1', 'answer'));
    expect(withColumn).toMatchObject({ ok: true, evaluator: { expected: { from: 'column', column: 'answer' } } });
    const without = buildEvaluator(newEvaluatorDraft('llm-judge', 'e2'));
    expect(without.ok && 'expected' in without.evaluator).toBe(false);
  });

  it('names the field of each problem', () => {
    const schema = buildEvaluator({ ...newEvaluatorDraft('json-schema', 'e1'), schemaText: '[1]', label: ' ' });
    expect(schema).toEqual({
      ok: false,
      problems: [
        { field: 'label', message: 'the name is empty' },
        { field: 'schema', message: 'a JSON Schema is an object, e.g. { "type": "object" }' },
      ],
    });
    const equals = buildEvaluator({ ...newEvaluatorDraft('equals', 'e2'), expectedFrom: 'column' });
    expect(equals).toEqual({ ok: false, problems: [{ field: 'expected', message: 'the expected column is empty' }] });
  });

  it('reads a typed expected value as JSON when it is JSON, else as the text', () => {
    const typed = (expectedText: string) => {
      const built = buildEvaluator({ ...newEvaluatorDraft('equals', 'e1'), expectedText });
      return built.ok && built.evaluator.kind === 'equals' ? built.evaluator.expected : undefined;
    };
    expect(typed('{"a":1}')).toEqual({ from: 'value', value: { a: 1 } });
    expect(typed('owls')).toEqual({ from: 'value', value: 'owls' });
  });
});
