import { stepKey, type EventRecord, type RunRecord, type StepRecord } from '../../../src/engine/records';
import type { EngineStore, TableRow } from '../../../src/engine/store';

/** Small, valid records for store tests; override what the test is about. */

export function aRun(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    workflowHash: 'hash-1',
    workflowName: 'customer digest',
    mode: 'durable',
    input: { customer: 'c1' },
    status: 'running',
    generation: 0,
    createdAt: 1_000,
    updatedAt: 1_000,
    activeMs: 0,
    depth: 0,
    nextSeq: 0,
    ...overrides,
  };
}

export function aStep(runId: string, slug: string, seq: number, overrides: Partial<StepRecord> = {}): StepRecord {
  return {
    kind: 'step',
    key: stepKey(runId, slug, ''),
    runId,
    slug,
    path: '',
    stepType: 'action',
    seq,
    status: 'started',
    attempts: [{ n: 1, startedAt: 1_000 + seq, outcome: 'running' }],
    interruptions: 0,
    startedAt: 1_000 + seq,
    ...overrides,
  } as StepRecord;
}

export function completed(step: StepRecord, output: unknown): StepRecord {
  const attempts = step.attempts.map((a) => ({ ...a, outcome: 'ok' as const, endedAt: a.startedAt + 10 }));
  return { ...step, status: 'completed', output, attempts, endedAt: step.startedAt + 10 };
}

export function anEvent(id: string, runId: string, sentAt: number, overrides: Partial<EventRecord> = {}): EventRecord {
  return { id, runId, name: 'payment_received', payload: { amount: 10 }, sentAt, ...overrides };
}

/** Puts rows through the interface itself: one upsert by id per row. */
export async function seedRows(store: EngineStore, table: string, rows: TableRow[]): Promise<void> {
  await store.commit({
    fences: [],
    tableUpdates: rows.map(({ id, ...fields }) => ({
      table,
      where: { id },
      set: fields,
      upsert: true,
      outputOf: `seed:${table}:${id}`,
    })),
  });
}

/** Deterministic shuffle (mulberry32), so a failing order can be replayed from its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Everything a test can observe about runs `runIds` and table `table`, for "nothing changed" checks. */
export async function observe(store: EngineStore, runIds: string[], table: string) {
  return {
    runs: await Promise.all(runIds.map((id) => store.loadRun(id))),
    steps: await Promise.all(runIds.map((id) => store.loadSteps(id))),
    events: await Promise.all(runIds.map((id) => store.loadEvents(id))),
    rows: (await store.queryTable(table, {}, 10_000)).sort(byId),
  };
}
