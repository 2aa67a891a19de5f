import { describe, expect, it } from 'vitest';
import { MAX_EXPERIMENT_ROWS } from '../../src/schema/experiment';
import {
  autoMapping,
  checkExperimentRows,
  experimentInputs,
  ROW_PROBLEMS_SHOWN,
  rowsFromList,
  type ExperimentInput,
} from '../../src/schema/experimentRows';
import type { WorkflowFile } from '../../src/schema/workflow';

const INPUTS: ExperimentInput[] = [
  { name: 'customer_id', kind: 'text', required: true },
  { name: 'age', kind: 'integer', required: true },
  { name: 'vip', kind: 'boolean', required: false },
  { name: 'tags', kind: 'json', required: false },
];
const MAPPING = { customer_id: 'CustomerId', age: 'age', vip: 'VIP', tags: 'tags' };
const TWO_COLUMNS = { customer_id: 'CustomerId', age: 'age' };

describe('autoMapping', () => {
  it('maps inputs to columns of the same name, case, spaces, dashes and underscores aside', () => {
    expect(autoMapping(INPUTS, ['CustomerId', 'AGE', 'is vip', 'Tags'])).toEqual({
      customer_id: 'CustomerId',
      age: 'AGE',
      tags: 'Tags',
    });
  });

  it('leaves an input without a matching column unmapped', () => {
    expect(autoMapping(INPUTS, ['name'])).toEqual({});
  });
});

describe('checkExperimentRows', () => {
  it('converts CSV text to the numbers, booleans and JSON the inputs want, and says how many', () => {
    const rows = [
      { CustomerId: 7, age: '41', VIP: 'TRUE', tags: '["a"]' },
      { CustomerId: 'c2', age: 30, VIP: 'false', tags: '' },
    ];
    const check = checkExperimentRows(INPUTS, MAPPING, rows, { fromText: true });
    expect(check.problems).toEqual([]);
    expect(check.rows).toEqual([
      { CustomerId: '7', age: 41, VIP: true, tags: ['a'] },
      { CustomerId: 'c2', age: 30, VIP: false, tags: '' },
    ]);
    expect(check.coercions).toEqual([
      { column: 'CustomerId', to: 'text', rows: 1 },
      { column: 'age', to: 'number', rows: 1 },
      { column: 'VIP', to: 'boolean', rows: 2 },
      { column: 'tags', to: 'json', rows: 1 },
    ]);
  });

  it('does not convert values of a JSON file', () => {
    const check = checkExperimentRows(INPUTS, TWO_COLUMNS, [{ CustomerId: 'c1', age: '41' }], { fromText: false });
    expect(check.problems.map((p) => p.message)).toEqual([
      'row 1, column “age”: “41” is not a whole number (age wants a whole number)',
    ]);
  });

  it('names every bad row and its column at once', () => {
    const rows = [
      { CustomerId: 'c1', age: '41' },
      { CustomerId: '', age: 'forty' },
      { CustomerId: 'c3', age: '2.5', VIP: 'maybe' },
    ];
    const check = checkExperimentRows(INPUTS, { ...TWO_COLUMNS, vip: 'VIP' }, rows, { fromText: true });
    expect(check.problems.map((p) => p.message)).toEqual([
      'row 2, column “CustomerId”: empty, but customer_id is required',
      'row 2, column “age”: “forty” is not a whole number (age wants a whole number)',
      'row 3, column “age”: “2.5” is not a whole number (age wants a whole number)',
      'row 3, column “VIP”: “maybe” is not true or false (vip wants true or false)',
    ]);
    expect(check.problems[1]).toMatchObject({ kind: 'wrong-type', row: 2, column: 'age', input: 'age' });
  });

  it('says a required input has no column, and a mapped column that no row has', () => {
    const check = checkExperimentRows(INPUTS, { age: 'years', vip: 'VIP' }, [{ VIP: true }], {
      fromText: false,
      expectedColumn: 'answer',
    });
    expect(check.problems.map((p) => p.message)).toEqual([
      'the required input customer_id has no column',
      'no row has the column “years” (mapped to age)',
      'no row has the expected column “answer”',
    ]);
    expect(check.rows).toEqual([]);
  });

  it('refuses no rows and too many rows', () => {
    const none = checkExperimentRows([], {}, [], { fromText: true });
    expect(none.problems.map((p) => p.kind)).toEqual(['no-rows']);
    const many = Array.from({ length: MAX_EXPERIMENT_ROWS + 1 }, () => ({ a: 1 }));
    const tooMany = checkExperimentRows([], {}, many, { fromText: true });
    expect(tooMany.problems).toEqual([
      {
        kind: 'too-many-rows',
        count: MAX_EXPERIMENT_ROWS + 1,
        message: '100,001 rows; an experiment runs at most 100,000',
      },
    ]);
  });

  it('lists the first problems of a kind and counts the rest', () => {
    const rows = Array.from({ length: ROW_PROBLEMS_SHOWN + 5 }, () => ({ CustomerId: 'c', age: 'x' }));
    const check = checkExperimentRows(INPUTS, TWO_COLUMNS, rows, { fromText: true });
    expect(check.problems).toHaveLength(ROW_PROBLEMS_SHOWN + 1);
    expect(check.problems.at(-1)).toEqual({
      kind: 'more-rows',
      count: 5,
      message: 'and 5 more rows with values of the wrong type',
    });
  });
});

describe('experimentInputs and rowsFromList', () => {
  it('reads the input schema’s types and required list, then inputs the steps read undeclared', () => {
    const doc = {
      workflowConfig: {
        name: 'W',
        config: {
          inputSchema: {
            type: 'object',
            properties: { topic: { type: 'string' }, count: { type: 'number' } },
            required: ['topic'],
          },
        },
      },
      stepsConfig: [
        {
          stepSlug: 'start',
          name: 'Start',
          stepType: 'trigger',
          config: { type: 'manual', data: { who: '{{input.who}}' } },
        },
      ],
    } as unknown as WorkflowFile;
    expect(experimentInputs(doc)).toEqual([
      { name: 'topic', kind: 'text', required: true },
      { name: 'count', kind: 'number', required: false },
      { name: 'who', kind: 'any', required: false },
    ]);
  });

  it('turns each non-blank line of a pasted list into a row', () => {
    expect(rowsFromList('a\r\n\n b \nc', 'topic')).toEqual([{ topic: 'a' }, { topic: ' b ' }, { topic: 'c' }]);
  });
});
