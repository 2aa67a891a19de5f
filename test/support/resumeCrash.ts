import { afterAll, expect, it } from 'vitest';
import { FakeClock } from '../../src/engine/clock';
import { Engine } from '../../src/engine/engine';
import type { ModelCall, ModelReply, ModelRound } from '../../src/engine/llmTypes';
import { MemoryData, MemoryStore, type OperationHook } from '../../src/engine/memoryStore';
import { FINISHED_RUN_STATUSES, type RunRecord, type StepRecord, type WaitReason } from '../../src/engine/records';
import type { EffectCall, HttpRequest, Runners } from '../../src/engine/runtime';
import type { WorkflowFile } from '../../src/schema/workflow';
import { CrashError, type CrashPoint } from './crash';
import { quiesce } from './engine';

/** A MemoryStore that counts the journal records each read returns, and the reads of the whole journal. */
export class CountingStore extends MemoryStore {
  recordsRead = 0;
  wholeJournalReads = 0;
  private count(records: StepRecord[]): StepRecord[] {
    this.recordsRead += records.length;
    return records;
  }
  override async loadSteps(runId: string) {
    this.wholeJournalReads++;
    return this.count(await super.loadSteps(runId));
  }
  override async loadJournalTail(runId: string, isAnchor: (record: StepRecord) => boolean) {
    return this.count(await super.loadJournalTail(runId, isAnchor));
  }
  override async loadStepsByKey(keys: readonly string[]) {
    return this.count(await super.loadStepsByKey(keys));
  }
}

export type BudgetQuestion = Extract<WaitReason, { kind: 'budget' }>;
export const budgetQuestions = (run: RunRecord | undefined): BudgetQuestion[] =>
  (run?.waits ?? []).filter((w): w is BudgetQuestion => w.kind === 'budget');

/** Each model round answers 15 tokens (and `costUsd` when given) with the latest user message echoed. */
export function roundReply(round: ModelRound, costUsd?: number): ModelReply {
  const asked = [...round.messages].reverse().find((m) => m.role === 'user')?.content;
  return {
    text: `answer ${round.messages.length} to ${String(asked)}`,
    toolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    provider: 'test',
    model: round.model,
    ...(costUsd !== undefined ? { costUsd } : {}),
  };
}

export interface CrashRun {
  workflow: WorkflowFile;
  input: unknown;
  costUsd?: number;
}

export interface CrashRunOutcome {
  status: string;
  output: unknown;
  violations: string[];
  /** Keys ever stored completed (runs are named `run1`…: a start that never landed is started again). */
  completed: string[];
  /** Budget questions asked, in order, as `cap limit used at`. */
  questions: string[];
  opsOfFirst: number;
  opsOfSecond: number;
}

interface Page {
  engine: Engine;
  store: MemoryStore;
  ops: number;
  dead: boolean;
}

/**
 * Runs the workflow over pages that die at each crash point in turn (the last one lives), answering Continue to
 * every budget question: the outcome of an uninterrupted run is the one with no points.
 */
export async function runThroughCrashes(scenario: CrashRun, points: CrashPoint[]): Promise<CrashRunOutcome> {
  const data = new MemoryData();
  const clock = new FakeClock(1_700_000_000_000);
  const completed = new Set<string>();
  const violations: string[] = [];
  const questions: string[] = [];
  const put = data.steps.set.bind(data.steps);
  data.steps.set = (key, record) => (record.status === 'completed' && completed.add(key), put(key, record));
  let page: Page | undefined;
  const guard = (call: EffectCall | ModelCall) => {
    if (page?.dead) throw new CrashError('the page is gone');
    if (completed.has(call.idempotencyKey)) violations.push(`${call.idempotencyKey} ran again after it completed`);
  };
  const runners: Runners = {
    model: async (round, call) => (guard(call), roundReply(round, scenario.costUsd)),
    http: async (request: HttpRequest, call) => (
      guard(call),
      { status: 200, statusText: 'OK', headers: {}, body: { url: request.url } }
    ),
  };
  let opsOfFirst = 0;
  let opsOfSecond = 0;
  for (const [index, crash] of [...points, undefined].entries()) {
    page?.store.revoke();
    page?.engine.shutdown();
    page = openPage(data, clock, runners, crash);
    try {
      if (data.runs.size === 0) await page.engine.start({ workflow: scenario.workflow, input: scenario.input });
      else await page.engine.resumeAll();
      await driveToEnd(data, clock, page, questions);
    } catch (error) {
      if (!(error instanceof CrashError) && !page.dead) throw error;
    }
    if (index === 0) opsOfFirst = page.ops;
    if (index === 1) opsOfSecond = page.ops;
  }
  const run = [...data.runs.values()][0]!;
  return {
    status: run.status,
    output: run.output,
    violations,
    completed: [...completed].sort(),
    questions,
    opsOfFirst,
    opsOfSecond,
  };
}

function openPage(data: MemoryData, clock: FakeClock, runners: Runners, crash?: CrashPoint): Page {
  const hook: OperationHook = (_operation, phase) => {
    if (page.dead) throw new CrashError('the page is gone');
    if (phase === 'before') page.ops++;
    if (crash && page.ops === crash.op && phase === crash.phase) {
      page.dead = true;
      throw new CrashError(`crash at op ${crash.op} ${crash.phase}`);
    }
  };
  const store = new MemoryStore(data, hook);
  const engine = new Engine({ store, clock, runners, newId: () => `run${data.runs.size + 1}` });
  const page: Page = { engine, store, ops: 0, dead: false };
  return page;
}

/** Answers Continue once to each budget question (one already stored is not sent again) and wakes the clock. */
async function driveToEnd(data: MemoryData, clock: FakeClock, page: Page, questions: string[]): Promise<void> {
  for (let i = 0; i < 2000 && !page.dead; i++) {
    await quiesce(data);
    const run = [...data.runs.values()][0];
    if (run && FINISHED_RUN_STATUSES.has(run.status)) return;
    const asked = budgetQuestions(run).filter(
      (q) => ![...data.events.values()].some((e) => e.name === `budget:${q.stepKey}`),
    );
    for (const q of asked) {
      const question = `${q.cap} ${q.limit} ${q.used} at ${q.stepKey}`;
      // Asked again after a crash took the answer: the same question, once in the list.
      if (!questions.includes(question)) questions.push(question);
      await page.engine.answerBudget(run!.id, q.stepKey, 'continue');
    }
    if (asked.length > 0) continue;
    const wake = clock.nextWake();
    if (wake === undefined) throw new Error(`stuck: ${run?.status} ${JSON.stringify(run?.waits ?? [])}`);
    clock.set(wake);
  }
}

/** The parts of two outcomes that must agree: the end, what completed, what was asked, and nothing run twice. */
export const comparable = (o: CrashRunOutcome) => [o.status, o.output, o.completed, o.questions, o.violations];

/** Crashes once at every store operation (before it, and after a commit whose acknowledgement is lost). */
export async function crashAtEveryOperation(scenario: CrashRun): Promise<number> {
  const reference = await runThroughCrashes(scenario, []);
  if (reference.status !== 'completed') throw new Error(`the uninterrupted run ended ${reference.status}`);
  let cycles = 0;
  for (let op = 1; op <= reference.opsOfFirst; op++) {
    for (const phase of ['before', 'after-commit'] as const) {
      const outcome = await runThroughCrashes(scenario, [{ op, phase }]);
      const label = `crash at op ${op} ${phase}`;
      if (JSON.stringify(comparable(outcome)) !== JSON.stringify(comparable(reference)))
        throw new Error(`${label}: ${JSON.stringify(comparable(outcome))} ≠ ${JSON.stringify(comparable(reference))}`);
      cycles++;
    }
  }
  return cycles;
}

/**
 * A first crash after each commit of the first page (its acknowledgement lost), then a second one at every store
 * operation of the resuming page.
 */
export async function crashDuringResume(scenario: CrashRun): Promise<number> {
  const reference = await runThroughCrashes(scenario, []);
  let cycles = 0;
  for (let op = 1; op <= reference.opsOfFirst; op++) {
    const first: CrashPoint = { op, phase: 'after-commit' };
    const once = await runThroughCrashes(scenario, [first]);
    for (let second = 1; second <= once.opsOfSecond; second++) {
      for (const phase of ['before', 'after-commit'] as const) {
        const points: CrashPoint[] = [first, { op: second, phase }];
        const outcome = await runThroughCrashes(scenario, points);
        if (JSON.stringify(comparable(outcome)) !== JSON.stringify(comparable(reference)))
          throw new Error(`${JSON.stringify(points)}: ${JSON.stringify(comparable(outcome))}`);
        cycles++;
      }
    }
  }
  return cycles;
}

/**
 * The two crash-injection tests of a resume path over `scenarios` (inside a `describe`): one crash at every store
 * operation, and a second one during the resume; the counts are printed as `label: N cycles, M with a second crash`.
 */
export function crashInjectionCases(label: string, scenarios: Array<[string, CrashRun]>): void {
  const cycles = { single: 0, double: 0 };
  afterAll(() => console.log(`${label}: ${cycles.single} crash/resume cycles, ${cycles.double} with a second crash`));
  it.each(scenarios)('%s: a crash at every store operation ends as the uninterrupted run', async (_n, s) => {
    const done = await crashAtEveryOperation(s);
    expect(done).toBeGreaterThan(10);
    cycles.single += done;
  });
  it.each(scenarios)(
    '%s: a second crash during the resume too',
    async (_n, s) => {
      const done = await crashDuringResume(s);
      expect(done).toBeGreaterThan(20);
      cycles.double += done;
    },
    120_000,
  );
}
