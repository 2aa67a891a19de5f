import { describe, expect, it } from 'vitest';
import { followBranch } from '../../../src/engine/interpreter';
import type { Step } from '../../../src/schema/steps';
import { validateWorkflowFile } from '../../../src/schema/validate';
import { createTestEngine } from '../../support/engine';
import { chain, llm, set } from '../../support/flows';

/** Slugs that look like words of the engine's own protocol: each must be an ordinary step. */
const RESERVED_LOOKING = ['end', 'fail', 'default', 'success', 'failure', 'timeout', '__proto__', 'constructor'];

const recordsOf = (t: ReturnType<typeof createTestEngine>, runId: string) =>
  Object.fromEntries(
    [...t.data.steps.values()].filter((s) => s.runId === runId && !s.parentKey).map((s) => [s.slug, s]),
  );

describe.each(RESERVED_LOOKING)('a step slugged "%s" is a real step', (slug) => {
  it('runs in the middle of a chain, and the chain goes on after it', async () => {
    const workflow = chain('middle', [set('first', { n: 1 }), set(slug, { ran: slug }), set('last', { done: true })]);
    expect(validateWorkflowFile(workflow).problems.filter((p) => p.severity === 'error')).toEqual([]);
    const t = createTestEngine();
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ done: true });
    const records = recordsOf(t, run.id);
    expect(Object.hasOwn(records, slug) && records[slug]!.status).toBe('completed');
    expect(records[slug]!.output).toEqual({ ran: slug });
  });

  it('runs as the last step, and its output is the run output', async () => {
    const workflow = chain('last', [set('first', { n: 1 }), set(slug, { ran: slug })]);
    const t = createTestEngine();
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ ran: slug });
  });

  it('runs as the failure branch of a failed step', async () => {
    const failing = async () => {
      throw Object.assign(new Error('boom'), { name: 'TypeError' });
    };
    const workflow = chain('recover', [
      llm('ask', 'x', {}, { success: 'ok', failure: slug }),
      set('ok', { ok: true }, {}),
      set(slug, { recovered: slug }, {}),
    ]);
    const t = createTestEngine({ runners: { llm: failing } });
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ recovered: slug });
  });
});

describe('followBranch', () => {
  const step = (nextSteps: Record<string, string>) =>
    ({
      stepSlug: 's',
      name: 's',
      stepType: 'action',
      config: { action: 'set', values: {} },
      nextSteps,
    }) as unknown as Step;

  it('names the next step, the end of the path, or the failure, as a union', () => {
    expect(followBranch(step({ success: 'end' }), { status: 'ok', output: 1 })).toEqual({ kind: 'step', slug: 'end' });
    expect(followBranch(step({}), { status: 'ok', output: 1 })).toEqual({ kind: 'end' });
    const error = { message: 'boom', category: 'internal' as const, retryable: false };
    expect(followBranch(step({ failure: 'fail' }), { status: 'failed', error })).toEqual({
      kind: 'step',
      slug: 'fail',
    });
    expect(followBranch(step({}), { status: 'failed', error })).toEqual({ kind: 'fail', error });
    expect(followBranch(step({ failure: 'timeout' }), { status: 'timeout', error })).toEqual({
      kind: 'step',
      slug: 'timeout',
    });
  });

  it('reads only the branch keys the step has (never an object prototype member)', () => {
    expect(followBranch(step({ default: 'next' }), { status: 'ok', output: 1, branch: 'constructor' })).toEqual({
      kind: 'step',
      slug: 'next',
    });
    expect(followBranch(step({}), { status: 'ok', output: 1, branch: 'toString' })).toEqual({ kind: 'end' });
  });
});
