import { FakeClock } from '../../src/engine/clock';
import type { StartOptions } from '../../src/engine/engine';
import { MemoryData } from '../../src/engine/memoryStore';
import { FINISHED_RUN_STATUSES } from '../../src/engine/records';
import type { EffectCall, Runners } from '../../src/engine/runtime';
import { fakeModel, sampleFor } from './model';
import type { WorkflowFile } from '../../src/schema/workflow';
import { TEMPLATES } from '../../src/templates';
import { createTestEngine, quiesce } from './engine';

/** Three customers, as the demo table ships them: what the templates' table steps read and write. */
export function seedCustomers(data: MemoryData): void {
  const rows = data.table('customers');
  rows.set('cus_001', { id: 'cus_001', name: 'Ada Lovelace', plan: 'pro', monthlySpend: 99, status: 'active' });
  rows.set('cus_002', { id: 'cus_002', name: 'Grace Hopper', plan: 'team', monthlySpend: 249, status: 'at_risk' });
  rows.set('cus_003', { id: 'cus_003', name: 'Alan Turing', plan: 'free', monthlySpend: 0, status: 'at_risk' });
}

/** Every template as a crash scenario, with inputs that take each one to the end. */
export function templateScenarios(): Scenario[] {
  return TEMPLATES.map((t) => ({
    name: `template ${t.id}`,
    workflow: t.doc,
    input: {
      customerId: 'cus_002',
      location: 'Lisbon',
      message: 'I was charged twice',
      email: 'Invoice ACME for 3 days',
    },
    seedTables: seedCustomers,
  }));
}

export class CrashError extends Error {
  override name = 'CrashError';
}

export interface Scenario {
  name: string;
  workflow: WorkflowFile;
  input: unknown;
  /** Events sent right after start (before the run reaches its waits). */
  events?: Array<{ name: string; payload: unknown }>;
  workflows?: Record<string, WorkflowFile>;
  seedTables?: (data: MemoryData) => void;
  /** Pinned outputs the run starts with (as a run started from the editor). */
  pins?: StartOptions['pins'];
}

export interface Outcome {
  status: string;
  output: unknown;
  tables: unknown;
  ops: number;
  violations: string[];
  /** Step keys ever recorded completed: a step executed twice under another key shows up here. */
  completedKeys: string[];
  /** Idempotency key → POST/PATCH requests sent with it (a server applies each key once). */
  posts: Record<string, number>;
}

/** Remembers every step key ever stored as completed, whatever happens to the record later. */
export function watchCompletions(data: MemoryData): Set<string> {
  const completed = new Set<string>();
  const put = data.steps.set.bind(data.steps);
  data.steps.set = (key, record) => {
    if (record.status === 'completed') completed.add(key);
    return put(key, record);
  };
  return completed;
}

/** Side-effecting fakes that fail the test when a step once recorded completed runs again. */
function runners(
  completed: Set<string>,
  violations: string[],
  isDead: () => boolean,
  posts: Map<string, number>,
): Runners {
  const guard = (call: EffectCall) => {
    if (isDead()) throw new CrashError('the page is gone');
    if (completed.has(call.idempotencyKey)) violations.push(`${call.idempotencyKey} ran again after it completed`);
  };
  return {
    model: fakeModel(
      (req, call) => (
        guard(call),
        req.round.outputSchema ? sampleFor(req.round.outputSchema) : `llm(${req.userPrompt.slice(0, 80)})`
      ),
    ),
    http: async (req, call) => {
      guard(call);
      if (req.method === 'POST' || req.method === 'PATCH')
        posts.set(call.idempotencyKey, (posts.get(call.idempotencyKey) ?? 0) + 1);
      return { status: 200, statusText: 'OK', headers: {}, body: { url: req.url } };
    },
  };
}

function tablesOf(data: MemoryData): unknown {
  return Object.fromEntries([...data.tables].map(([name, rows]) => [name, Object.fromEntries([...rows].sort())]));
}

/** Drives the scenario's run to the end, answering approvals as a person would. */
async function finish(t: ReturnType<typeof createTestEngine>, runId: string, isDead = () => false): Promise<void> {
  let idle = 0;
  for (let i = 0; i < 5000; i++) {
    await quiesce(t.data);
    if (isDead()) throw new CrashError('the page is gone');
    const run = t.data.runs.get(runId);
    if (run && FINISHED_RUN_STATUSES.has(run.status)) return;
    const asked = [...t.data.steps.values()].filter((s) => s.stepType === 'approval' && s.status === 'waiting');
    const pending = asked.filter((s) => ![...t.data.events.values()].some((e) => e.name === `approval:${s.key}`));
    if (pending.length > 0) {
      for (const step of pending) await t.engine.approve(step.runId, step.key, true);
      continue;
    }
    const wake = t.clock.nextWake();
    if (wake !== undefined) t.clock.set(wake);
    else if (++idle > 50) throw new Error(`stuck: ${run?.status} ${JSON.stringify(run?.waits ?? [])}`);
    else await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('did not finish');
}

/**
 * Step keys start with their run's id, which depends on when the page died (a start that never
 * committed is started again under a new id): name each run by where it sits instead — `top`, or
 * its parent's label and the step that started it — so keys compare across crashes.
 */
function canonicalKey(data: MemoryData): (key: string) => string {
  const labels = new Map<string, string>();
  const label = (runId: string, seen = 0): string => {
    const known = labels.get(runId);
    if (known) return known;
    const run = data.runs.get(runId);
    if (!run || seen > 16) return runId;
    const tops = [...data.runs.values()].filter((r) => r.depth === 0).map((r) => r.id);
    const name =
      run.parentRunId && run.parentStepKey
        ? `${label(run.parentRunId, seen + 1)}>${run.parentStepKey.slice(run.parentStepKey.indexOf(':') + 1)}`
        : tops.indexOf(runId) === 0
          ? 'top'
          : `top#${tops.indexOf(runId) + 1}`;
    labels.set(runId, name);
    return name;
  };
  return (key) => {
    const colon = key.indexOf(':');
    return colon < 0 ? key : `${label(key.slice(0, colon))}${key.slice(colon)}`;
  };
}

const CLOCK_START = 1_700_000_000_000;

/** Crash point: the n-th store operation, before it runs or after a commit whose acknowledgement is lost. */
export interface CrashPoint {
  op: number;
  phase: 'before' | 'after-commit';
}

/** A page that dies at the crash point: every store operation after it fails, as a revoked handle's would. */
export function crashingPage(crash?: CrashPoint) {
  const page = { ops: 0, dead: false };
  const hook = (_operation: string, phase: 'before' | 'after-commit') => {
    if (page.dead) throw new CrashError('the page is gone');
    if (phase === 'before') page.ops++;
    if (crash && page.ops === crash.op && phase === crash.phase) {
      page.dead = true;
      throw new CrashError(`crash at op ${crash.op} ${crash.phase}`);
    }
  };
  return { page, hook };
}

export async function runScenario(scenario: Scenario, crash?: CrashPoint): Promise<Outcome> {
  const data = new MemoryData();
  scenario.seedTables?.(data);
  const clock = new FakeClock(CLOCK_START);
  const violations: string[] = [];
  const completed = watchCompletions(data);
  const posts = new Map<string, number>();
  const outcome = (id: string): Outcome => {
    const run = data.runs.get(id)!;
    const canonical = canonicalKey(data);
    const postsByKey = [...posts].map(([key, count]) => [canonical(key), count] as const);
    return {
      status: run.status,
      output: run.output,
      tables: tablesOf(data),
      ops: page.ops,
      violations,
      completedKeys: [...completed].map(canonical).sort(),
      posts: Object.fromEntries(postsByKey),
    };
  };
  const { page, hook } = crashingPage(crash);
  const first = createTestEngine({
    data,
    clock,
    hook,
    runners: runners(completed, violations, () => page.dead, posts),
    workflows: scenario.workflows,
  });
  let runId: string | undefined;
  try {
    runId = await first.engine.start({ workflow: scenario.workflow, input: scenario.input, pins: scenario.pins });
    for (const event of scenario.events ?? []) await first.engine.sendEvent(runId, event.name, event.payload);
    await finish(first, runId, () => page.dead);
  } catch (error) {
    if (!(error instanceof CrashError) && !page.dead) throw error;
  }
  if (!page.dead) return outcome(runId!);
  // The page died: its handle is revoked and its drivers stop; a fresh engine resumes on the same data.
  first.store.revoke();
  first.engine.shutdown();
  const second = createTestEngine({
    data,
    clock,
    runners: runners(completed, violations, () => false, posts),
    workflows: scenario.workflows,
  });
  await second.engine.resumeAll();
  const top = [...data.runs.values()].find((r) => r.depth === 0);
  runId =
    top?.id ?? (await second.engine.start({ workflow: scenario.workflow, input: scenario.input, pins: scenario.pins }));
  const sent = new Set([...data.events.values()].map((e) => e.name));
  for (const event of scenario.events ?? [])
    if (!sent.has(event.name)) await second.engine.sendEvent(runId, event.name, event.payload);
  await finish(second, runId);
  return outcome(runId);
}
