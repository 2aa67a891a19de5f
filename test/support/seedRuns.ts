/**
 * Many runs and one long run, written straight into the app's IndexedDB from inside a page (for the
 * runs-list browser test and the inspector bench). Deterministic: the same counts and records every time.
 * `seedRunsInPage` is passed to `page.evaluate`, so it is self-contained (it closes over nothing).
 */

export interface SeedRequest {
  workflowId: string;
  workflowName: string;
  /** Runs besides the long one. */
  runs: number;
  /** Workflow steps of the long run (every tenth an LLM step with one model round). */
  steps: number;
  /** Newest run's start (the long run's); each further run started a minute earlier. */
  now: number;
}

export const LONG_RUN_ID = 'run-long';
/** Tokens per LLM step of the long run. */
export const LONG_RUN_STEP_TOKENS = 30;

/** Run `i` (0-based, after the long one): completed, except every 7th failed and every 11th cancelled. */
export function seededStatus(i: number): 'completed' | 'failed' | 'cancelled' {
  return i % 7 === 3 ? 'failed' : i % 11 === 5 ? 'cancelled' : 'completed';
}

export async function seedRunsInPage(request: SeedRequest): Promise<{ runs: number; records: number }> {
  const { workflowId, workflowName, runs, steps, now } = request;
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const opening = indexedDB.open('tabflow');
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
  const write = (db: IDBDatabase, store: string, records: object[]) =>
    new Promise<void>((resolve, reject) => {
      const tx = db.transaction(store, 'readwrite');
      for (const record of records) tx.objectStore(store).put(record);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  const status = (i: number) => (i % 7 === 3 ? 'failed' : i % 11 === 5 ? 'cancelled' : 'completed');
  const base = { workflowHash: 'seeded', workflowName, workflowId, mode: 'durable', generation: 0, depth: 0 };
  const runRecords: object[] = [];
  for (let i = 0; i < runs; i++) {
    const createdAt = now - (i + 1) * 60_000;
    const failed = status(i) === 'failed';
    runRecords.push({
      ...base,
      id: `run-${String(i).padStart(5, '0')}`,
      input: {
        customerId: `cus_${String(i % 50).padStart(3, '0')}`,
        topic: i % 5 === 0 ? 'quarterly report' : 'digest',
      },
      status: status(i),
      ...(failed
        ? { error: { message: `Step fetch timed out after 30 s (run ${i})`, category: 'timeout', retryable: true } }
        : {}),
      ...(status(i) === 'completed' ? { output: { ok: true } } : {}),
      createdAt,
      updatedAt: createdAt + 2_000,
      finishedAt: createdAt + 2_000,
      activeMs: 1_500,
      nextSeq: 0,
    });
  }
  const stepRecords: object[] = [];
  let seq = 0;
  for (let i = 0; i < steps; i++) {
    const key = `run-long:work@each[${i}]`;
    const llm = i % 10 === 0;
    const startedAt = now + i * 10;
    const common = { runId: 'run-long', attempts: [], interruptions: 0, startedAt, endedAt: startedAt + 8 };
    stepRecords.push({
      ...common,
      kind: 'step',
      key,
      slug: 'work',
      path: `each[${i}]`,
      stepType: llm ? 'llm' : 'action',
      seq: seq++,
      status: 'completed',
      output: { item: i },
      ...(llm
        ? {
            meta: {
              provider: 'demo',
              model: 'demo-1',
              rounds: 1,
              usage: { inputTokens: 20, outputTokens: 10, totalTokens: 30 },
            },
          }
        : {}),
    });
    if (llm)
      stepRecords.push({
        ...common,
        kind: 'llm-round',
        key: `${key}/r1`,
        slug: 'work',
        path: `each[${i}]`,
        stepType: 'llm-round',
        parentKey: key,
        seq: seq++,
        status: 'completed',
        output: `answer ${i}`,
      });
  }
  runRecords.push({
    ...base,
    id: 'run-long',
    input: { items: steps },
    status: 'completed',
    output: { done: steps },
    createdAt: now,
    updatedAt: now + steps * 10,
    finishedAt: now + steps * 10,
    activeMs: steps * 8,
    nextSeq: seq,
  });
  const db = await open();
  try {
    await write(db, 'runs', runRecords);
    for (let i = 0; i < stepRecords.length; i += 2_000) await write(db, 'steps', stepRecords.slice(i, i + 2_000));
  } finally {
    db.close();
  }
  return { runs: runRecords.length, records: stepRecords.length };
}
