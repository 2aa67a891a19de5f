import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/engine/records';
import type { Step } from '../../src/schema/steps';
import type { WorkflowFile } from '../../src/schema/workflow';
import { buildGraph } from '../../src/ui/graph/model';
import { describeNodeState, loopsBySlug, nodeRunStates } from '../../src/ui/inspector/runStatus';
import { journalStep } from '../support/journalRecords';

/** Step records → the state each node of the run's graph shows, as tables. */

const line = { stepSlug: 'line', name: 'Line', stepType: 'action', config: { action: 'transform', expression: '1' } };
function workflow(loopConfig: Record<string, unknown>): WorkflowFile {
  return {
    workflowConfig: { name: 'W' },
    stepsConfig: [
      { stepSlug: 'each', name: 'Each', stepType: 'loop', config: { ...loopConfig, steps: [line] }, nextSteps: {} },
      { stepSlug: 'after', name: 'After', stepType: 'action', config: { action: 'transform', expression: '1' } },
    ],
  } as WorkflowFile;
}

function states(file: WorkflowFile, records: StepRecord[], finished: boolean) {
  const model = buildGraph(file);
  return nodeRunStates(model, records, finished, loopsBySlug(file.stepsConfig as Step[]));
}

const iteration = (index: number, status: StepRecord['status']) =>
  journalStep('r', 'line', {
    path: `each[${index}]`,
    status,
    ...(status === 'completed' ? {} : { endedAt: undefined }),
  });

describe('node states of a run', () => {
  it.each([
    {
      name: 'a literal list: iterations done of its length; the step after not reached yet is pending',
      file: workflow({ forEach: ['a', 'b', 'c'] }),
      records: [
        journalStep('r', 'each', { stepType: 'loop', status: 'started', endedAt: undefined }),
        iteration(0, 'completed'),
        iteration(1, 'started'),
      ],
      finished: false,
      each: { status: 'running', iterations: { done: 1, total: 3 } },
      after: 'pending',
    },
    {
      name: 'a list from an expression: the total is known once the loop is done',
      file: workflow({ forEach: '{{input.items}}' }),
      records: [
        journalStep('r', 'each', { stepType: 'loop', output: ['x', 'y'] }),
        iteration(0, 'completed'),
        iteration(1, 'completed'),
      ],
      finished: true,
      each: { status: 'completed', iterations: { done: 2, total: 2 } },
      after: 'skipped',
    },
    {
      name: 'a list from an expression, still running: the total is the length its record noted at the start',
      file: workflow({ forEach: '{{input.items}}' }),
      records: [
        journalStep('r', 'each', { stepType: 'loop', status: 'started', endedAt: undefined, meta: { items: 4 } }),
        iteration(0, 'completed'),
        iteration(1, 'started'),
      ],
      finished: false,
      each: { status: 'running', iterations: { done: 1, total: 4 } },
      after: 'pending',
    },
    {
      name: 'a while loop still going: iterations done, no total',
      file: workflow({ while: 'index < 5' }),
      records: [
        journalStep('r', 'each', { stepType: 'loop', status: 'started', endedAt: undefined }),
        iteration(0, 'completed'),
        iteration(1, 'completed'),
        iteration(2, 'waiting'),
      ],
      finished: false,
      each: { status: 'running', iterations: { done: 2, total: undefined } },
      after: 'pending',
    },
    {
      name: 'an iteration with a failed step is not done',
      file: workflow({ forEach: ['a', 'b'] }),
      records: [
        journalStep('r', 'each', {
          stepType: 'loop',
          status: 'failed',
          error: { message: 'x', category: 'internal', retryable: false },
        }),
        iteration(0, 'completed'),
        iteration(1, 'failed'),
      ],
      finished: true,
      each: { status: 'failed', iterations: { done: 1, total: 2 } },
      after: 'skipped',
    },
  ])('$name', ({ file, records, finished, each, after }) => {
    const found = states(file, records, finished);
    expect(found.get('each')).toMatchObject(each);
    expect(found.get('after')?.status).toBe(after);
    expect(found.get('line')?.executions).toBe(records.length - 1);
  });

  it('the latest execution of a loop body step gives its status and attempts', () => {
    const file = workflow({ forEach: ['a', 'b'] });
    const found = states(
      file,
      [iteration(0, 'completed'), journalStep('r', 'line', { path: 'each[1]', attempts: [], status: 'cancelled' })],
      true,
    );
    expect(found.get('line')).toMatchObject({ status: 'cancelled', executions: 2, stepKey: 'r:line@each[1]' });
  });

  it('a step waiting out the backoff before its retry is waiting, with its attempts so far', () => {
    const file = workflow({ forEach: [] });
    const failed = { n: 1, startedAt: 0, endedAt: 5, outcome: 'error' as const };
    const found = states(
      file,
      [journalStep('r', 'after', { status: 'started', endedAt: undefined, wakeAt: 50, attempts: [failed] })],
      false,
    );
    expect(found.get('after')).toMatchObject({ status: 'waiting', attempts: 1 });
  });

  it.each([
    [{ status: 'failed', attempts: 3, executions: 1 }, 'failed, 3 attempts'],
    [{ status: 'completed', attempts: 1, executions: 4 }, 'completed, ran 4 times'],
    [
      { status: 'running', attempts: 0, executions: 1, iterations: { done: 2, total: 3 } },
      'running, 2 of 3 iterations done',
    ],
    [{ status: 'skipped', attempts: 0, executions: 0 }, 'skipped (not reached)'],
  ] as const)('says %j as %j', (state, words) => {
    expect(describeNodeState(state)).toBe(words);
  });
});
