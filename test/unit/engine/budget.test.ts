import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { InputError } from '../../../src/engine/input';
import type { ModelCall, ModelReply, ModelRound } from '../../../src/engine/llmTypes';
import { MemoryData } from '../../../src/engine/memoryStore';
import { FINISHED_RUN_STATUSES, type RunRecord, type WaitReason } from '../../../src/engine/records';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { CrashError, crashingPage, watchCompletions, type CrashPoint } from '../../support/crash';
import { createTestEngine, quiesce } from '../../support/engine';
import { chain, llm } from '../../support/flows';

/** Each model round answers with 15 tokens and, when `costUsd` is given, that estimated cost. */
function countingModel(costUsd?: number, guard?: (call: ModelCall) => void) {
  const calls: string[] = [];
  const model = async (round: ModelRound, call: ModelCall): Promise<ModelReply> => {
    guard?.(call);
    calls.push(call.idempotencyKey);
    return {
      text: `answer to ${String([...round.messages].reverse().find((m) => m.role === 'user')?.content)}`,
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      provider: 'test',
      model: round.model,
      ...(costUsd !== undefined ? { costUsd } : {}),
    };
  };
  return { calls, model };
}

const capped = (steps: number, limits: Record<string, number>): WorkflowFile =>
  chain(
    'capped',
    Array.from({ length: steps }, (_, i) => llm(`s${i + 1}`, `question ${i + 1}`)),
    { limits },
  );

const budgetWaits = (run: RunRecord | undefined) =>
  (run?.waits ?? []).filter((w): w is Extract<WaitReason, { kind: 'budget' }> => w.kind === 'budget');

interface Case {
  name: string;
  workflow: WorkflowFile;
  budget?: RunRecord['budget'];
  costUsd?: number;
  /** The question the run stops at first: which cap, the limit, what was used, at which round. */
  asks: { cap: 'tokens' | 'cost'; limit: number; used: number; raiseBy: number; at: string };
  /** Rounds that ran before it asked. */
  before: number;
}

const CASES: Case[] = [
  {
    name: 'a token cap in the workflow',
    workflow: capped(2, { maxTokensPerRun: 15 }),
    asks: { cap: 'tokens', limit: 15, used: 15, raiseBy: 15, at: 's2@/r1' },
    before: 1,
  },
  {
    name: 'a cost cap in the workflow',
    workflow: capped(3, { maxCostUsdPerRun: 0.5 }),
    costUsd: 0.3,
    asks: { cap: 'cost', limit: 0.5, used: 0.6, raiseBy: 0.5, at: 's3@/r1' },
    before: 2,
  },
  {
    name: "the run form's token cap over the workflow's",
    workflow: capped(3, { maxTokensPerRun: 15 }),
    budget: { maxTokens: 30 },
    asks: { cap: 'tokens', limit: 30, used: 30, raiseBy: 30, at: 's3@/r1' },
    before: 2,
  },
  {
    name: "the run form's cost cap, the workflow setting none",
    workflow: capped(2, {}),
    budget: { maxCostUsd: 0.25 },
    costUsd: 0.3,
    asks: { cap: 'cost', limit: 0.25, used: 0.3, raiseBy: 0.25, at: 's2@/r1' },
    before: 1,
  },
];

async function suspended(c: Case, data = new MemoryData()) {
  const m = countingModel(c.costUsd);
  const t = createTestEngine({ data, runners: { model: m.model } });
  const id = await t.engine.start({ workflow: c.workflow, input: {}, ...(c.budget ? { budget: c.budget } : {}) });
  await t.quiesceUntil(() => budgetWaits(t.data.runs.get(id)).length > 0, 'the budget question');
  return { t, id, m };
}

describe('budgets: reaching a cap asks instead of failing', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s suspends the run with a budget wait', async (_name, c) => {
    const { t, id, m } = await suspended(c);
    const run = t.data.runs.get(id)!;
    const { at, ...asked } = c.asks;
    expect(run.status).toBe('waiting');
    expect(budgetWaits(run)[0]).toMatchObject({ ...asked, stepKey: `${id}:${at}` });
    expect(budgetWaits(run)[0]!.used).toBeCloseTo(c.asks.used, 9);
    expect(m.calls).toHaveLength(c.before);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: Continue raises the cap and the run goes on', async (_n, c) => {
    const { t, id, m } = await suspended(c);
    await t.engine.answerBudget(id, `${id}:${c.asks.at}`, 'continue', 'worth it');
    const run = await t.runToEnd(id);
    expect(run.status).toBe('completed');
    expect(m.calls).toHaveLength(c.before + 1);
    // The raise is on the round that asked, with the reason; the answer was consumed by that round.
    expect(t.data.steps.get(`${id}:${c.asks.at}`)?.meta?.budgetRaise).toEqual({
      cap: c.asks.cap,
      by: c.asks.raiseBy,
      note: 'worth it',
    });
    const events = [...t.data.events.values()];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ consumedBy: `${id}:${c.asks.at}`, note: 'worth it' });
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: Stop cancels the run as over budget', async (_n, c) => {
    const { t, id, m } = await suspended(c);
    await t.engine.answerBudget(id, `${id}:${c.asks.at}`, 'stop', 'too dear');
    await quiesce(t.data);
    const run = t.data.runs.get(id)!;
    expect(run.status).toBe('cancelled');
    expect(run.error).toMatchObject({ category: 'cancelled' });
    expect(run.error?.message).toMatch(/^over budget: the run reached its budget of .+; reason: too dear$/);
    expect(run.waits).toBeUndefined();
    expect(m.calls).toHaveLength(c.before);
    expect(t.data.steps.get(`${id}:${c.asks.at}`)?.status).toBe('cancelled');
  });

  it('a raised cap survives a restart of the engine: the next question names the raised limit', async () => {
    const data = new MemoryData();
    const clock = new FakeClock();
    const workflow = capped(3, { maxTokensPerRun: 15 });
    const first = createTestEngine({ data, clock, runners: { model: countingModel().model } });
    const id = await first.engine.start({ workflow, input: {} });
    await first.quiesceUntil(() => budgetWaits(data.runs.get(id)).length > 0, 'the first question');
    await first.engine.answerBudget(id, `${id}:s2@/r1`, 'continue');
    await first.quiesceUntil(() => budgetWaits(data.runs.get(id))[0]?.limit === 30, 'the second question');
    first.engine.shutdown();

    const m = countingModel();
    const second = createTestEngine({ data, clock, runners: { model: m.model } });
    await second.engine.resumeAll();
    await second.quiesce();
    expect(budgetWaits(data.runs.get(id))).toEqual([
      { kind: 'budget', stepKey: `${id}:s3@/r1`, cap: 'tokens', limit: 30, used: 30, raiseBy: 15 },
    ]);
    expect(m.calls).toEqual([]);
    await second.engine.answerBudget(id, `${id}:s3@/r1`, 'continue');
    expect((await second.runToEnd(id)).status).toBe('completed');
    expect(m.calls).toEqual([`${id}:s3@/r1`]);
  });

  it('a question asked before the restart is still there after it, and answered there', async () => {
    const data = new MemoryData();
    const { t, id } = await suspended(CASES[0]!, data);
    t.engine.shutdown();
    const m = countingModel();
    const second = createTestEngine({ data, runners: { model: m.model } });
    await second.engine.resumeAll();
    await second.quiesce();
    expect(data.runs.get(id)?.status).toBe('waiting');
    await second.engine.answerBudget(id, `${id}:s2@/r1`, 'continue');
    expect((await second.runToEnd(id)).output).toBe('answer to question 2');
    expect(m.calls).toEqual([`${id}:s2@/r1`]);
  });

  it('an answer where the run no longer asks is refused, saying so', async () => {
    const { t, id } = await suspended(CASES[0]!);
    await t.engine.answerBudget(id, `${id}:s2@/r1`, 'continue');
    await t.runToEnd(id);
    await expect(t.engine.answerBudget(id, `${id}:s2@/r1`, 'stop')).rejects.toThrow(
      /not waiting on its budget there any more/,
    );
    expect(t.data.runs.get(id)?.status).toBe('completed');
  });

  it.each([
    [{ maxTokens: 0 }, /budget\.maxTokens: a whole number of tokens, 1 or more \(got 0\)/],
    [{ maxTokens: 2.5 }, /budget\.maxTokens/],
    [{ maxCostUsd: -1 }, /budget\.maxCostUsd: an amount in USD above 0 \(got -1\)/],
    [{ maxCostUsd: Number.NaN }, /budget\.maxCostUsd/],
  ])('a run form cap %j is refused before anything starts', async (budget, message) => {
    const t = createTestEngine({ runners: { model: countingModel().model } });
    await expect(t.engine.start({ workflow: capped(1, {}), input: {}, budget })).rejects.toThrow(InputError);
    await expect(t.engine.start({ workflow: capped(1, {}), input: {}, budget })).rejects.toThrow(message);
    expect(t.data.runs.size).toBe(0);
  });
});

describe('answers carry the reason the user gave', () => {
  it('approvals, host confirmations and events record it on their event record', async () => {
    const t = createTestEngine({ runners: { model: countingModel().model } });
    await t.engine.approve('r1', 'r1:review@', true, 'looks right');
    await t.engine.confirmHost('r1', 'api.example.com', false, 'not this host');
    await t.engine.approve('r1', 'r1:other@', false);
    await t.engine.sendEvent('r1', 'paid', { amount: 3 }, 'by wire');
    expect([...t.data.events.values()].map((e) => [e.name, e.payload, e.note])).toEqual([
      ['approval:r1:review@', { approved: true, note: 'looks right' }, 'looks right'],
      ['confirm-host:api.example.com', { approved: false }, 'not this host'],
      ['approval:r1:other@', { approved: false }, undefined],
      ['paid', { amount: 3 }, 'by wire'],
    ]);
  });
});

/** A capped run answered Continue at each question, with the page dying at store operation `crash.op`. */
async function budgetRun(crash?: CrashPoint) {
  const data = new MemoryData();
  const clock = new FakeClock(1_700_000_000_000);
  const completed = watchCompletions(data);
  const violations: string[] = [];
  const { page, hook } = crashingPage(crash);
  const guard = (first: boolean) => (call: ModelCall) => {
    if (first && page.dead) throw new CrashError('the page is gone');
    if (completed.has(call.idempotencyKey)) violations.push(`${call.idempotencyKey} ran again after it completed`);
  };
  const workflow = capped(3, { maxTokensPerRun: 15 });
  const engine = (withHook: boolean) =>
    createTestEngine({
      data,
      clock,
      ...(withHook ? { hook } : {}),
      runners: { model: countingModel(0, guard(withHook)).model },
    });
  const first = engine(true);
  let id: string | undefined;
  try {
    id = await first.engine.start({ workflow, input: {} });
    await answerUntilFinished(first, id, () => page.dead);
  } catch (error) {
    if (!(error instanceof CrashError)) throw error;
  }
  if (page.dead) {
    first.store.revoke();
    first.engine.shutdown();
    const second = engine(false);
    await second.engine.resumeAll();
    id = [...data.runs.keys()][0] ?? (await second.engine.start({ workflow, input: {} }));
    await answerUntilFinished(second, id);
  }
  const run = data.runs.get(id!)!;
  const raises = [...data.steps.values()].flatMap((s) => (s.meta?.budgetRaise ? [s.meta.budgetRaise.by] : []));
  const events = [...data.events.values()];
  return { ops: page.ops, violations, status: run.status, output: run.output, raises, events };
}

/** Answers Continue to each budget question once (an answer already stored is not sent again). */
async function answerUntilFinished(
  t: ReturnType<typeof createTestEngine>,
  id: string,
  isDead = () => false,
): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await quiesce(t.data);
    if (isDead()) throw new CrashError('the page is gone');
    const run = t.data.runs.get(id);
    if (run && FINISHED_RUN_STATUSES.has(run.status)) return;
    const unanswered = budgetWaits(run).filter(
      (wait) => ![...t.data.events.values()].some((e) => e.name === `budget:${wait.stepKey}`),
    );
    for (const wait of unanswered) await t.engine.answerBudget(id, wait.stepKey, 'continue');
    // A retry's backoff (an attempt the crash cut off) wakes on the fake clock.
    const wake = t.clock.nextWake();
    if (unanswered.length === 0 && wake !== undefined) t.clock.set(wake);
  }
  throw new Error(`stuck: ${JSON.stringify(t.data.runs.get(id))}`);
}

describe('budgets under crash injection', () => {
  it('a crash at every store operation: each round runs once, each Continue is consumed once', async () => {
    const reference = await budgetRun();
    expect(reference).toMatchObject({ status: 'completed', violations: [], raises: [15, 15] });
    expect(reference.events).toHaveLength(2);
    let cycles = 0;
    for (let op = 1; op <= reference.ops; op++) {
      for (const phase of ['before', 'after-commit'] as const) {
        const outcome = await budgetRun({ op, phase });
        const label = `crash at op ${op} ${phase}`;
        expect(outcome.violations, label).toEqual([]);
        expect(outcome.status, label).toBe('completed');
        expect(outcome.output, label).toEqual(reference.output);
        expect(outcome.raises, label).toEqual([15, 15]);
        // Every answer sent was consumed, each by its own round (none twice, none lost).
        expect(outcome.events.length, label).toBe(2);
        expect(new Set(outcome.events.map((e) => e.consumedBy)).size, label).toBe(2);
        expect(
          outcome.events.every((e) => e.consumedBy === e.name.slice('budget:'.length)),
          label,
        ).toBe(true);
        cycles++;
      }
    }
    expect(cycles).toBeGreaterThan(20);
  });
});
