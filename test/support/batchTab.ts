import 'fake-indexeddb/auto';
import { Dexie, type DBCore, type DBCoreMutateRequest } from 'dexie';
import { FakeClock } from '../../src/engine/clock';
import { Engine } from '../../src/engine/engine';
import { QuotaError, type EngineStore } from '../../src/engine/store';
import type { Runners } from '../../src/engine/runtime';
import type { ModelRunner } from '../../src/engine/llmTypes';
import { getBatch } from '../../src/store/batches';
import { TabflowDb } from '../../src/store/db';
import { DexieEngineStore } from '../../src/store/engineStore';
import { findWorkflowByName } from '../../src/store/workflows';
import { BatchScheduler } from '../../src/worker/batch/scheduler';
import type { ExperimentSpec } from '../../src/schema/experiment';
import type { WorkflowFile } from '../../src/schema/workflow';
import { fakeModel } from './model';

/** A tab the test can kill at its `crashAt`-th store operation (engine store calls and Dexie writes alike). */
export class CrashError extends Error {
  override name = 'CrashError';
}

/** Counts operations across every tab of one test; the one numbered `crashAt` kills its tab. */
export class CrashPlan {
  ops = 0;
  constructor(public crashAt = Infinity) {}
}

/** What the side-effecting fakes saw, across tabs: an effect run again once recorded completed is a violation. */
export class EffectLog {
  readonly calls = new Map<string, number>();
  readonly violations: string[] = [];
  /** Cell keys whose bookkeeping wrote them completed (committed), and how often. */
  readonly completedWrites = new Map<string, number>();
}

export interface BatchTabOptions {
  name: string;
  plan?: CrashPlan;
  log?: EffectLog;
  maxParallelism?: number;
  /** Resolves when the http effect may answer (default: at once), with its status (default 200). */
  gate?: (url: string) => Promise<number | void>;
  /** The judge model's verdict on an output (default: pass). */
  judge?: (prompt: string) => { pass: boolean; reason: string };
  /** A disk that fills: while a flag is on, the engine's commits (`runs`) or the batch tables' writes (`batches`) are
   * refused as a full disk refuses them; `refusedBatchWrites` counts the latter. */
  disk?: { runsFull?: boolean; batchesFull?: boolean; refusedBatchWrites?: number };
  /** The model runner (default: a fake model answering as `judge` says). */
  model?: ModelRunner;
}

/** The engine, its Dexie store and the batch scheduler over one fake-indexeddb database: one browser tab. */
export class BatchTab {
  dead = false;
  readonly db: TabflowDb;
  readonly store: EngineStore;
  readonly engine: Engine;
  readonly scheduler: BatchScheduler;
  private nextId = 0;

  constructor(private readonly options: BatchTabOptions) {
    this.db = new TabflowDb(options.name);
    this.db.use({ stack: 'dbcore', name: 'crash', create: (down) => this.crashingCore(down) });
    this.store = this.crashingStore(new DexieEngineStore(this.db));
    this.engine = new Engine({
      store: this.store,
      clock: new FakeClock(),
      runners: this.runners(),
      maxParallelism: options.maxParallelism ?? 4,
      isHostApproved: async () => true,
      findWorkflow: async (name) => (await findWorkflowByName(this.db, name))?.doc,
      onChange: (runId) => this.scheduler.runChanged(runId),
    });
    const prefix = options.name;
    this.scheduler = new BatchScheduler(
      this.engine,
      this.db,
      () => Date.now(),
      () => `${prefix}-b${this.nextId++}`,
    );
  }

  /** Counts an operation; the planned one, and every one after it in this tab, throws. */
  private op(): void {
    if (this.dead) throw new CrashError('the tab is gone');
    const plan = this.options.plan;
    if (plan && ++plan.ops === plan.crashAt) {
      this.dead = true;
      throw new CrashError('the tab closed here');
    }
  }

  private crashingStore(store: EngineStore): EngineStore {
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'commit' && this.options.disk?.runsFull)
          return () => Promise.reject(new QuotaError('QuotaExceededError: the disk is full'));
        // A dead store answers as a real one would: with a rejected promise, never a synchronous throw.
        return (...args: unknown[]) => {
          try {
            this.op();
          } catch (error) {
            return Promise.reject(error);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  private crashingCore(down: DBCore): DBCore {
    return {
      ...down,
      table: (name) => {
        const table = down.table(name);
        if (!name.startsWith('batch')) return table;
        return {
          ...table,
          mutate: (request: DBCoreMutateRequest) => {
            try {
              this.op();
            } catch (error) {
              return Promise.reject(error);
            }
            const disk = this.options.disk;
            if (disk?.batchesFull) {
              disk.refusedBatchWrites = (disk.refusedBatchWrites ?? 0) + 1;
              return Promise.reject(new DOMException('the disk is full', 'QuotaExceededError'));
            }
            // Counted once the transaction commits: a write in a transaction cut off later never happened.
            if (name === 'batchCells' && 'values' in request) {
              const values = request.values;
              const trans = request.trans as unknown as IDBTransaction;
              trans.addEventListener('complete', () => this.noteCompletions(values));
            }
            return table.mutate(request);
          },
        };
      },
    };
  }

  private noteCompletions(values: readonly unknown[]): void {
    const log = this.options.log;
    for (const value of values as Array<{ key: string; status: string }>)
      if (log && value.status === 'completed')
        log.completedWrites.set(value.key, (log.completedWrites.get(value.key) ?? 0) + 1);
  }

  private runners(): Runners {
    const log = this.options.log;
    return {
      http: async (request, call) => {
        if (this.dead) throw new CrashError('the tab is gone');
        if (log) {
          log.calls.set(call.idempotencyKey, (log.calls.get(call.idempotencyKey) ?? 0) + 1);
          const recorded = await this.db.steps.get(call.idempotencyKey);
          if (recorded?.status === 'completed') log.violations.push(`${call.idempotencyKey} ran after it completed`);
        }
        const status = (await this.options.gate?.(request.url)) ?? 200;
        return {
          status,
          statusText: status === 200 ? 'OK' : 'Refused',
          headers: {},
          body: { echo: request.url.split('/').pop() },
        };
      },
      model:
        this.options.model ??
        fakeModel(({ userPrompt }) => {
          if (this.dead) throw new CrashError('the tab is gone');
          return this.options.judge?.(userPrompt) ?? { pass: true, reason: 'looks right' };
        }),
    };
  }

  async saveWorkflow(id: string, doc: WorkflowFile): Promise<void> {
    const now = Date.now();
    await this.db.workflows.put({ id, name: doc.workflowConfig.name, doc, createdAt: now, updatedAt: now });
  }

  /** The tab goes away: nothing of it runs or writes any more. */
  close(): void {
    this.dead = true;
    this.scheduler.stop();
    this.engine.shutdown();
  }

  /** Polls until the batch has finished (completed or cancelled). */
  async untilFinished(batchId: string, timeoutMs = 10_000): Promise<void> {
    await until(async () => {
      const status = (await getBatch(this.db, batchId))?.status;
      return status === 'completed' || status === 'cancelled';
    }, timeoutMs);
    await this.scheduler.idle();
  }
}

/** Polls a condition over fake-indexeddb work (it schedules on macrotasks). */
export async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** trigger → a transform → an http POST (a side effect, journaled) → a transform: three steps without a model. */
export function threeStepWorkflow(name = 'Three steps'): WorkflowFile {
  return {
    workflowConfig: {
      name,
      config: {
        allowedHosts: ['cells.test'],
        inputSchema: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
      },
    },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'upper' },
      },
      {
        stepSlug: 'upper',
        name: 'Upper',
        stepType: 'action',
        config: { action: 'transform', expression: '$uppercase(input.word)' },
        nextSteps: { success: 'send' },
      },
      {
        stepSlug: 'send',
        name: 'Send',
        stepType: 'action',
        config: { action: 'http', method: 'POST', url: 'https://cells.test/{{steps.upper.output}}' },
        nextSteps: { success: 'answer' },
      },
      {
        stepSlug: 'answer',
        name: 'Answer',
        stepType: 'action',
        config: {
          action: 'transform',
          expression: '{"word": steps.upper.output, "sent": steps.send.output.body.echo}',
        },
        nextSteps: {},
      },
    ],
  } as WorkflowFile;
}

/** An experiment over a list of words, each mapped to the workflow's `word` input, with one variant. */
export function wordsSpec(overrides: Partial<ExperimentSpec> = {}): ExperimentSpec {
  return {
    name: 'Words',
    workflowId: 'wf',
    source: { kind: 'list', column: 'word' },
    mapping: { word: 'word' },
    variants: [{ id: 'v1', label: 'As saved' }],
    evaluators: [],
    ...overrides,
  };
}

/** The tabs a test opens, each over its own database; `closeAll` (in `afterEach`) closes them and deletes those. */
export function testTabs(prefix: string) {
  const tabs: BatchTab[] = [];
  return {
    open(options: Partial<BatchTabOptions> = {}): BatchTab {
      const tab = new BatchTab({ name: `${prefix}-${crypto.randomUUID()}`, ...options });
      tabs.push(tab);
      return tab;
    },
    async closeAll(): Promise<void> {
      const closing = tabs.splice(0);
      for (const tab of closing) tab.close();
      await Promise.all(closing.map((tab) => Dexie.delete(tab.db.name)));
    },
  };
}
