import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { Engine } from '../../../src/engine/engine';
import type { ModelRunner } from '../../../src/engine/llmTypes';
import { MemoryData } from '../../../src/engine/memoryStore';
import { FINISHED_RUN_STATUSES } from '../../../src/engine/records';
import { QuotaError, type CommitBatch } from '../../../src/engine/store';
import { totalsOf } from '../../../src/engine/runTotals';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { quiesce } from '../../support/engine';
import { chain, llm } from '../../support/flows';
import {
  budgetQuestions,
  crashInjectionCases,
  CountingStore,
  roundReply,
  runThroughCrashes,
  type CrashRun,
} from '../../support/resumeCrash';

/** `count` model steps talking in one thread, capped at `limits`. */
const modelChain = (count: number, limits: Record<string, number> = {}): WorkflowFile =>
  chain(
    'model chain',
    Array.from({ length: count }, (_, i) => llm(`s${i + 1}`, `question ${i + 1}`, { thread: 'talk' })),
    { limits },
  );

interface Page {
  engine: Engine;
  store: CountingStore;
  calls: string[];
}

/** A page whose model answers every round but the one of step `holdAt` (that call never returns). */
function page(data: MemoryData, clock: FakeClock, costUsd?: number, holdAt?: string): Page {
  const calls: string[] = [];
  const model: ModelRunner = async (round, call) => {
    calls.push(call.idempotencyKey.slice(call.idempotencyKey.indexOf(':') + 1));
    if (holdAt && call.idempotencyKey.includes(`:${holdAt}@`)) return new Promise(() => undefined);
    return roundReply(round, costUsd);
  };
  const store = new CountingStore(data);
  return {
    engine: new Engine({ store, clock, runners: { model }, newId: () => `run${data.runs.size + 1}` }),
    store,
    calls,
  };
}

/** Answers Continue to the questions in `continues` (by step slug) and stops at the first other one. */
async function driveUntilQuestion(p: Page, data: MemoryData, runId: string, continues: string[]): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await quiesce(data);
    const [question] = budgetQuestions(data.runs.get(runId));
    const slug = question?.stepKey.slice(runId.length + 1).split('@')[0];
    if (!question || !continues.includes(slug!)) return;
    continues.splice(continues.indexOf(slug!), 1);
    await p.engine.answerBudget(runId, question.stepKey, 'continue');
  }
}

interface Case {
  name: string;
  limits: Record<string, number>;
  costUsd?: number;
  /** The first page: the step whose model call never returns, and the questions answered Continue before it. */
  holdAt?: string;
  continues: string[];
  /** Drop the run's totals, as a run stored before they existed. */
  oldRun?: boolean;
  /** What the resumed page does first: the model round it calls, or the budget question it asks. */
  next: { call: string } | { asks: string };
}

const CASES: Case[] = [
  {
    name: 'within budget, cut off in a round',
    limits: { maxTokensPerRun: 450 },
    holdAt: 's7',
    continues: [],
    next: { call: 's7@/r1' },
  },
  {
    name: 'waiting at the cap',
    limits: { maxTokensPerRun: 45 },
    continues: [],
    next: { asks: 'tokens 45 45 at s4@/r1' },
  },
  {
    name: 'one Continue recorded, cut off before the raised cap',
    limits: { maxTokensPerRun: 45 },
    holdAt: 's6',
    continues: ['s4'],
    next: { call: 's6@/r1' },
  },
  {
    name: 'one Continue recorded, waiting at the raised cap',
    limits: { maxTokensPerRun: 45 },
    continues: ['s4'],
    next: { asks: 'tokens 90 90 at s7@/r1' },
  },
  {
    name: 'a cost cap with one Continue',
    limits: { maxCostUsdPerRun: 0.03 },
    costUsd: 0.01,
    continues: ['s4'],
    next: { asks: 'cost 0.06 0.06 at s7@/r1' },
  },
  {
    name: 'a run stored before its totals were kept (read whole once)',
    limits: { maxTokensPerRun: 45 },
    continues: ['s4'],
    oldRun: true,
    next: { asks: 'tokens 90 90 at s7@/r1' },
  },
];

const amount = (n: number) => Number(n.toFixed(6));
const asked = (data: MemoryData, runId: string) =>
  budgetQuestions(data.runs.get(runId)).map(
    (q) => `${q.cap} ${amount(q.limit)} ${amount(q.used)} at ${q.stepKey.slice(runId.length + 1)}`,
  );

/** Answers Continue to every question until the run ends; returns the questions as `runThroughCrashes` lists them. */
async function continueToEnd(p: Page, data: MemoryData, runId: string, until?: 'paused'): Promise<string[]> {
  const questions: string[] = [];
  const ended = (status: string) => FINISHED_RUN_STATUSES.has(status as never) || status === until;
  for (let i = 0; i < 100 && !ended(data.runs.get(runId)!.status); i++) {
    await quiesce(data);
    for (const q of budgetQuestions(data.runs.get(runId))) {
      questions.push(`${q.cap} ${q.limit} ${q.used} at ${q.stepKey}`);
      await p.engine.answerBudget(runId, q.stepKey, 'continue');
    }
  }
  return questions;
}

describe('a model run resumes from the journal’s end: journal so far → next action', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const workflow = modelChain(12, c.limits);
    const reference = await runThroughCrashes({ workflow, input: {}, costUsd: c.costUsd }, []);
    const data = new MemoryData();
    const clock = new FakeClock(1_700_000_000_000);
    const first = page(data, clock, c.costUsd, c.holdAt);
    const runId = await first.engine.start({ workflow, input: {} });
    await driveUntilQuestion(first, data, runId, [...c.continues]);
    first.engine.shutdown();
    const stored = data.runs.get(runId)!;
    // What the run record holds is what its journal adds up to.
    expect(stored.totals).toEqual(totalsOf(data.steps.values()));
    if (c.oldRun) delete stored.totals;

    const second = page(data, clock, c.costUsd);
    await second.engine.resumeAll();
    await quiesce(data);
    if ('call' in c.next) expect(second.calls[0]).toBe(c.next.call);
    else {
      expect(second.calls).toEqual([]);
      expect(asked(data, runId)).toEqual([c.next.asks]);
    }
    expect(second.store.wholeJournalReads).toBe(c.oldRun ? 1 : 0);
    if (!c.oldRun) expect(second.store.recordsRead).toBeLessThanOrEqual(6);
    expect(data.runs.get(runId)?.totals).toEqual(totalsOf(data.steps.values()));

    // Carried on, it asks what the run never cut off asked next and ends with its output (the thread kept once).
    const after = await continueToEnd(second, data, runId);
    expect(reference.questions.slice(reference.questions.length - after.length)).toEqual(after);
    expect(data.runs.get(runId)).toMatchObject({ status: 'completed', output: reference.output });
  });
});

/** A model step in each of two loop iterations, talking in the run's thread, after a model step at the top. */
const modelLoop: WorkflowFile = chain(
  'model loop',
  [
    llm('intro', 'intro', { thread: 'talk' }),
    {
      stepSlug: 'each',
      name: 'each',
      stepType: 'loop',
      config: { forEach: ['a', 'b'], steps: [llm('ask', 'about {{loop.item}}', { thread: 'talk' })] },
    },
    llm('outro', 'outro {{steps.intro.output}}'),
  ],
  { limits: { maxTokensPerRun: 30 } },
);

const CRASH_SCENARIOS: Array<[string, CrashRun]> = [
  ['a token cap asked twice', { workflow: modelChain(4, { maxTokensPerRun: 30 }), input: {} }],
  ['a cost cap', { workflow: modelChain(4, { maxCostUsdPerRun: 0.02 }), input: {}, costUsd: 0.01 }],
  ['model steps in a loop, one thread', { workflow: modelLoop, input: {} }],
];

describe('crash injection around a model run’s resume from its totals', () =>
  crashInjectionCases('model totals resume', CRASH_SCENARIOS));

/** A disk that fills up: while `full`, every commit with journal records is refused (a run's status still fits). */
class FillingStore extends CountingStore {
  full = false;
  override async commit(batch: CommitBatch) {
    if (this.full && (batch.steps?.length ?? 0) > 0) throw new QuotaError('the disk is full');
    return super.commit(batch);
  }
}

describe('a model run a full disk stopped', () => {
  it('resumes with the totals of what was stored, not of the round the disk refused', async () => {
    const workflow = modelChain(5, { maxTokensPerRun: 30 });
    const reference = await runThroughCrashes({ workflow, input: {} }, []);
    const data = new MemoryData();
    const clock = new FakeClock(1_700_000_000_000);
    const store = new FillingStore(data);
    const model: ModelRunner = async (round, call) => {
      // The disk fills while s3 asks the model: its answer's commit is refused.
      if (call.idempotencyKey.includes(':s3@')) store.full = true;
      return roundReply(round);
    };
    const first = new Engine({ store, clock, runners: { model }, newId: () => `run${data.runs.size + 1}` });
    const runId = await first.start({ workflow, input: {} });
    const questions = await continueToEnd({ engine: first, store, calls: [] }, data, runId, 'paused');
    expect(data.runs.get(runId)?.status).toBe('paused');
    first.shutdown();

    const second = page(data, clock);
    await second.engine.resume(runId);
    questions.push(...(await continueToEnd(second, data, runId)));
    expect(questions).toEqual(reference.questions);
    expect(data.runs.get(runId)).toMatchObject({ status: 'completed', output: reference.output });
    expect(data.runs.get(runId)?.totals).toEqual(totalsOf(data.steps.values()));
  });
});

describe('a model run restarted from a step', () => {
  it('counts only the rounds it keeps and those it runs again', async () => {
    const data = new MemoryData();
    const clock = new FakeClock(1_700_000_000_000);
    const p = page(data, clock);
    const runId = await p.engine.start({ workflow: modelChain(4), input: {} });
    await continueToEnd(p, data, runId);
    expect(data.runs.get(runId)?.totals?.tokens).toBe(60);
    await p.engine.restartFrom(runId, `${runId}:s3@`);
    await continueToEnd(p, data, runId);
    expect(data.runs.get(runId)?.status).toBe('completed');
    expect(data.runs.get(runId)?.totals).toEqual({ ...totalsOf(data.steps.values()), tokens: 60 });
  });
});
