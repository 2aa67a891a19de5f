import { FakeClock } from '../../src/engine/clock';
import { MemoryData } from '../../src/engine/memoryStore';
import { FINISHED_RUN_STATUSES } from '../../src/engine/records';
import type { EffectCall, Runners } from '../../src/engine/runtime';
import { fakeModel, sampleFor } from './model';
import type { WorkflowFile } from '../../src/schema/workflow';
import { createTestEngine, quiesce } from './engine';

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
}

export interface Outcome {
  status: string;
  output: unknown;
  tables: unknown;
  ops: number;
  violations: string[];
}

/** Remembers every step key ever stored as completed, whatever happens to the record later. */
function watchCompletions(data: MemoryData): Set<string> {
  const completed = new Set<string>();
  const put = data.steps.set.bind(data.steps);
  data.steps.set = (key, record) => {
    if (record.status === 'completed') completed.add(key);
    return put(key, record);
  };
  return completed;
}

/** Side-effecting fakes that fail the test when a step once recorded completed runs again. */
function runners(completed: Set<string>, violations: string[], isDead: () => boolean): Runners {
  const guard = (call: EffectCall) => {
    if (isDead()) throw new CrashError('the page is gone');
    if (completed.has(call.idempotencyKey)) violations.push(`${call.idempotencyKey} ran again after it completed`);
  };
  return {
    model: fakeModel((req, call) => (guard(call), req.round.outputSchema ? sampleFor(req.round.outputSchema) : `llm(${req.userPrompt.slice(0, 80)})`)),
    http: async (req, call) => (guard(call), { status: 200, statusText: 'OK', headers: {}, body: { url: req.url } }),
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
    else if (++idle > 50) throw new Error(`stuck: ${run?.status} ${run?.waitingFor ?? ''}`);
    else await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('did not finish');
}

const CLOCK_START = 1_700_000_000_000;

/** Crash point: the n-th store operation, before it runs or after a commit whose acknowledgement is lost. */
export interface CrashPoint {
  op: number;
  phase: 'before' | 'after-commit';
}

export async function runScenario(scenario: Scenario, crash?: CrashPoint): Promise<Outcome> {
  const data = new MemoryData();
  scenario.seedTables?.(data);
  const clock = new FakeClock(CLOCK_START);
  const violations: string[] = [];
  const completed = watchCompletions(data);
  let ops = 0;
  let dead = false;
  const hook = (_operation: string, phase: 'before' | 'after-commit') => {
    // A dead page does nothing more: every later call of its handle fails.
    if (dead) throw new CrashError('the page is gone');
    if (phase === 'before') ops++;
    if (crash && ops === crash.op && phase === crash.phase) {
      dead = true;
      throw new CrashError(`crash at op ${crash.op} ${crash.phase}`);
    }
  };
  const first = createTestEngine({ data, clock, hook, runners: runners(completed, violations, () => dead), workflows: scenario.workflows });
  let runId: string | undefined;
  try {
    runId = await first.engine.start({ workflow: scenario.workflow, input: scenario.input });
    for (const event of scenario.events ?? []) await first.engine.sendEvent(runId, event.name, event.payload);
    await finish(first, runId, () => dead);
  } catch (error) {
    if (!(error instanceof CrashError) && !dead) throw error;
  }
  if (!dead) return { status: data.runs.get(runId!)!.status, output: data.runs.get(runId!)!.output, tables: tablesOf(data), ops, violations };
  // The page died: its handle is revoked and its drivers stop; a fresh engine resumes on the same data.
  first.store.revoke();
  first.engine.shutdown();
  const second = createTestEngine({ data, clock, runners: runners(completed, violations, () => false), workflows: scenario.workflows });
  await second.engine.resumeAll();
  const top = [...data.runs.values()].find((r) => r.depth === 0);
  runId = top?.id ?? (await second.engine.start({ workflow: scenario.workflow, input: scenario.input }));
  const sent = new Set([...data.events.values()].map((e) => e.name));
  for (const event of scenario.events ?? []) if (!sent.has(event.name)) await second.engine.sendEvent(runId, event.name, event.payload);
  await finish(second, runId);
  const run = data.runs.get(runId)!;
  return { status: run.status, output: run.output, tables: tablesOf(data), ops, violations };
}
