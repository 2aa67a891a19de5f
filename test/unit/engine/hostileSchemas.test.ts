import { describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { createTestEngine } from '../../support/engine';
import { chain, llm, set } from '../../support/flows';

/**
 * A workflow file is untrusted: a JSON Schema in it meets values the run produces. A schema built
 * to be costly (a catastrophic pattern, an exponential or looping `$ref`) gives a verdict quickly
 * and never holds up another run.
 */

const CATASTROPHIC = '^(a+)+$';
const NEAR_MATCH = `${'a'.repeat(5000)}!`;
/** Generous for a noisy 2-core CI box; native backtracking on these inputs would never finish. */
const VERDICT_BUDGET_MS = 10_000;

const plain = () => chain('plain', [set('done', { ok: true })]);
const answering = (code: string) => ({ llm: () => ({ code }) });

function exponentialChain(): Record<string, unknown> {
  const $defs: Record<string, unknown> = { d40: { type: 'string' } };
  for (let i = 0; i < 40; i++)
    $defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
  return { type: 'object', properties: { code: { $ref: '#/$defs/d0' } }, $defs };
}

describe('hostile JSON Schemas in a workflow', () => {
  it('a catastrophic output schema pattern fails its own step and does not block a second run', async () => {
    const started = performance.now();
    const t = createTestEngine({ runners: answering(NEAR_MATCH) });
    const outputSchema = {
      type: 'object',
      properties: { code: { type: 'string', pattern: CATASTROPHIC } },
      required: ['code'],
    };
    const hostile = chain('hostile', [
      { ...llm('extract', 'give me the code', { outputSchema }), retryPolicy: { maxRetries: 1, backoffMs: 10 } },
    ]);
    const hostileId = await t.engine.start({ workflow: hostile, input: {} });
    const plainId = await t.engine.start({ workflow: plain(), input: {} });

    expect((await t.runToEnd(plainId)).status).toBe('completed');
    const run = await t.runToEnd(hostileId);
    expect(run.status).toBe('failed');
    const miss =
      "the model's answer did not match the output schema: " + `#/code: does not match the pattern "${CATASTROPHIC}"`;
    expect(t.data.steps.get(`${hostileId}:extract@/r1`)?.attempts.map((a) => a.error?.message)).toEqual([miss, miss]);
    expect(run.error?.message).toBe(miss);
    expect(performance.now() - started).toBeLessThan(VERDICT_BUDGET_MS);
  });

  it('a catastrophic input schema pattern refuses the input quickly; the next run completes', async () => {
    const started = performance.now();
    const t = createTestEngine();
    const inputSchema = { type: 'object', properties: { code: { type: 'string', pattern: CATASTROPHIC } } };
    const hostile = chain('hostile', [set('a', { x: 1 })], { inputSchema });
    await expect(t.engine.start({ workflow: hostile, input: { code: NEAR_MATCH } })).rejects.toThrow(
      `the input does not match the workflow's input schema: input.code: does not match the pattern "${CATASTROPHIC}"`,
    );
    expect((await t.runToEnd(await t.engine.start({ workflow: plain(), input: {} }))).status).toBe('completed');
    expect(performance.now() - started).toBeLessThan(VERDICT_BUDGET_MS);
  });

  it('an input schema that loops on itself or grows exponentially is refused as too costly to check', async () => {
    const t = createTestEngine();
    for (const inputSchema of [{ $ref: '#' }, exponentialChain()]) {
      const hostile = chain('hostile', [set('a', { x: 1 })], { inputSchema });
      await expect(t.engine.start({ workflow: hostile, input: { code: 'x' } })).rejects.toThrow(
        /^the workflow's input schema cannot be used: the schema is too costly to check: /,
      );
    }
    expect((await t.runToEnd(await t.engine.start({ workflow: plain(), input: {} }))).status).toBe('completed');
  });

  it('an output schema too costly to check fails the step once, without asking the model again', async () => {
    let calls = 0;
    const t = createTestEngine({ runners: { llm: () => (calls++, { code: 'x' }) } });
    const hostile = chain('hostile', [
      {
        ...llm('extract', 'give me the code', { outputSchema: exponentialChain() }),
        retryPolicy: { maxRetries: 3, backoffMs: 10 },
      },
    ]) as WorkflowFile;
    const run = await t.runToEnd(await t.engine.start({ workflow: hostile, input: {} }));
    expect(run.status).toBe('failed');
    expect(calls).toBe(1);
    expect(run.error?.message).toMatch(/^the step's output schema cannot be used: the schema is too costly to check: /);
  });
});
