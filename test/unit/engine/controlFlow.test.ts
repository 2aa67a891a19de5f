import { describe, expect, it } from 'vitest';
import type { FakeLlmRequest } from '../../support/model';
import { createTestEngine } from '../../support/engine';
import { chain, llm, set, transform } from '../../support/flows';

const echoLlm = () => {
  const calls: FakeLlmRequest[] = [];
  return { calls, llm: async (req: FakeLlmRequest) => (calls.push(req), `re: ${req.userPrompt}`) };
};

const statuses = (t: ReturnType<typeof createTestEngine>, runId: string) =>
  Object.fromEntries(
    [...t.data.steps.values()]
      .filter((s) => s.runId === runId && !s.parentKey)
      .map((s) => [`${s.slug}@${s.path}`, s.status]),
  );

describe('control flow', () => {
  it('a condition routes to the branch of the first matching rule', async () => {
    const workflow = chain('route', [
      {
        stepSlug: 'route',
        name: 'Route',
        stepType: 'condition',
        config: { rules: [{ when: 'input.value > 10', next: 'big' }], default: 'small' },
        nextSteps: { big: 'big', small: 'small' },
      },
      set('big', { size: 'big' }, {}),
      set('small', { size: 'small' }, {}),
    ]);
    const t = createTestEngine();
    const big = await t.runToEnd(await t.engine.start({ workflow, input: { value: 11 } }));
    const small = await t.runToEnd(await t.engine.start({ workflow, input: { value: 3 } }));
    expect(big.output).toEqual({ size: 'big' });
    expect(small.output).toEqual({ size: 'small' });
    expect(statuses(t, small.id)).not.toHaveProperty('big@');
  });

  it(
    'a for-each loop runs each item with loop.item and loop.index ' + "and outputs each iteration's last output",
    async () => {
      const workflow = chain('each', [
        {
          stepSlug: 'each',
          name: 'Each',
          stepType: 'loop',
          config: {
            forEach: '{{input.value}}',
            concurrency: 2,
            steps: [
              set('a', { item: '{{loop.item}}', index: '{{loop.index}}' }, { success: 'b' }),
              transform('b', 'steps.a.output.item * 10 + steps.a.output.index'),
            ],
          },
        },
        set('after', { all: '{{steps.each.output}}' }),
      ]);
      const t = createTestEngine();
      const run = await t.runToEnd(await t.engine.start({ workflow, input: { value: [1, 2, 3] } }));
      expect(run.output).toEqual({ all: [10, 21, 32] });
      expect(statuses(t, run.id)).toMatchObject({ 'a@each[0]': 'completed', 'b@each[2]': 'completed' });
    },
  );

  it('a for-each loop over an empty list outputs an empty list', async () => {
    const workflow = chain('empty', [
      {
        stepSlug: 'each',
        name: 'Each',
        stepType: 'loop',
        config: { forEach: '{{input.value}}', steps: [set('a', { x: 1 })] },
      },
    ]);
    const t = createTestEngine();
    const run = await t.runToEnd(await t.engine.start({ workflow, input: { value: [] } }));
    expect(run.status).toBe('completed');
    expect(run.output).toEqual([]);
  });

  it('a while loop paginates with loop.previous and stops when its condition fails', async () => {
    const workflow = chain('pages', [
      {
        stepSlug: 'pages',
        name: 'Pages',
        stepType: 'loop',
        config: {
          while: 'loop.index = 0 or loop.previous.page.output.next != null',
          maxIterations: 10,
          steps: [transform('page', '{ "n": loop.index, "next": loop.index < 3 ? loop.index + 1 : null }')],
        },
      },
    ]);
    const t = createTestEngine();
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.output).toEqual([
      { n: 0, next: 1 },
      { n: 1, next: 2 },
      { n: 2, next: 3 },
      { n: 3, next: null },
    ]);
  });

  it('a while loop that reaches maxIterations fails with a clear message', async () => {
    const workflow = chain('forever', [
      {
        stepSlug: 'spin',
        name: 'Spin',
        stepType: 'loop',
        config: { while: 'true', maxIterations: 3, steps: [set('x', { x: 1 })] },
      },
    ]);
    const t = createTestEngine();
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/maxIterations \(3\)/);
  });

  it('a parallel join "all" outputs every branch', async () => {
    const { llm: runner } = echoLlm();
    const workflow = chain('fan', [
      {
        stepSlug: 'fan',
        name: 'Fan',
        stepType: 'parallel',
        config: {
          join: 'all',
          branches: {
            risk: [llm('risk', 'risk of {{input.value}}')],
            value: [
              llm('value', 'value of {{input.value}}', {}, { success: 'value2' }),
              transform('value2', '$uppercase(steps.value.output)'),
            ],
          },
        },
      },
    ]);
    const t = createTestEngine({ runners: { llm: runner } });
    const run = await t.runToEnd(await t.engine.start({ workflow, input: { value: 'acme' } }));
    expect(run.output).toEqual({ risk: 're: risk of acme', value: 'RE: VALUE OF ACME' });
  });

  it('a parallel join "any" keeps the first branch to finish and cancels the others', async () => {
    let releaseSlow!: () => void;
    const workflow = chain('race', [
      {
        stepSlug: 'race',
        name: 'Race',
        stepType: 'parallel',
        config: {
          join: 'any',
          branches: {
            fast: [llm('fast', 'fast')],
            slow: [llm('slow', 'slow')],
          },
        },
      },
    ]);
    const aborted: string[] = [];
    const t = createTestEngine({
      runners: {
        llm: (req, call) =>
          req.userPrompt === 'fast'
            ? Promise.resolve('fast!')
            : new Promise((resolve, reject) => {
                releaseSlow = () => resolve('slow!');
                call.signal.addEventListener('abort', () => {
                  aborted.push(req.key);
                  reject(call.signal.reason);
                });
              }),
      },
    });
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.output).toEqual({ fast: 'fast!' });
    expect(aborted).toEqual(['run1:slow@race.slow']);
    expect(statuses(t, run.id)['slow@race.slow']).toBe('cancelled');
    releaseSlow?.();
  });

  it('a failed step follows its failure branch, else fails the run', async () => {
    const failing = async () => {
      throw Object.assign(new Error('boom'), { name: 'TypeError' });
    };
    const withBranch = chain('f', [
      llm('ask', 'x', {}, { success: 'ok', failure: 'recover' }),
      set('ok', { ok: true }, {}),
      set('recover', { recovered: true }, {}),
    ]);
    const t = createTestEngine({ runners: { llm: failing } });
    const recovered = await t.runToEnd(await t.engine.start({ workflow: withBranch, input: {} }));
    expect(recovered.output).toEqual({ recovered: true });
    const without = chain('g', [llm('ask', 'x')]);
    const failed = await t.runToEnd(await t.engine.start({ workflow: without, input: {} }));
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toBe('boom');
  });

  it("the run output is the terminal trigger's data, else the last step's output", async () => {
    const workflow = chain('out', [
      set('calc', { n: 1 }, { success: 'finish' }),
      {
        stepSlug: 'finish',
        name: 'Finish',
        stepType: 'trigger',
        config: { type: 'manual', data: { result: '{{steps.calc.output.n}}', who: '{{trigger.data.value}}' } },
        nextSteps: {},
      },
    ]);
    const t = createTestEngine();
    const run = await t.runToEnd(await t.engine.start({ workflow, input: { value: 'me' } }));
    expect(run.output).toEqual({ result: 1, who: 'me' });
  });

  it('refuses input that does not match the input schema', async () => {
    const workflow = chain('typed', [set('a', { x: 1 })], {
      inputSchema: { type: 'object', properties: { value: { type: 'number' } }, required: ['value'] },
    });
    const t = createTestEngine();
    await expect(t.engine.start({ workflow, input: {} })).rejects.toThrow(/input schema/);
  });
});
