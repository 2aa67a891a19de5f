import 'fake-indexeddb/auto';
import { expect } from 'vitest';
import { FakeClock } from '../../src/engine/clock';
import { Engine } from '../../src/engine/engine';
import type { ModelRunner } from '../../src/engine/llmTypes';
import type { Runners } from '../../src/engine/runtime';
import { replayHttp } from '../../src/worker/recordedHttp';
import { createRecordedModelRunner, recordedRequestOf } from '../../src/llm/recorded';
import { failure } from '../../src/engine/retry';
import { exportRunBundle } from '../../src/store/bundles';
import { requestFingerprint } from '../../src/schema/runBundle';
import type { WorkflowFile } from '../../src/schema/workflow';
import { TabflowDb } from '../../src/store/db';
import { DexieEngineStore } from '../../src/store/engineStore';
import { createWorkflow } from '../../src/store/workflows';
import { replayRecordings, replayWorkflows } from '../../src/worker/bundleCommands';
import { chain, llm } from './flows';
import { fakeModel } from './model';

/** Run bundles in tests: a "browser" (a database and the worker's engine wiring), a recorded run to export. */

export const openedBundleDbs: TabflowDb[] = [];

type HttpRunner = NonNullable<Runners['http']>;

interface BrowserOptions {
  /** The live http runner (default: none, every request fails). */
  http?: HttpRunner;
  /** Host approvals given in this browser (default: none). */
  approved?(workflowHash: string, host: string): boolean;
  /** The saved workflows of this browser's library, by name (default: none). */
  library?: Record<string, WorkflowFile>;
  /** Secret values stored in this browser (default: none). */
  secrets?: Record<string, string>;
}

/** A database with an engine wired as the worker wires its model runner and network: recordings first, else `model`. */
export function bundleBrowser(model: ModelRunner, online = true, options: BrowserOptions = {}) {
  const db = new TabflowDb(`bundles-${crypto.randomUUID()}`);
  openedBundleDbs.push(db);
  const replays = replayRecordings(db);
  const noHttp: HttpRunner = async () => {
    throw new Error('no http here');
  };
  const http = replayHttp(
    replays,
    options.http ?? noHttp,
    async (hash, host) => options.approved?.(hash, host) ?? false,
  );
  const engine = new Engine({
    store: new DexieEngineStore(db),
    clock: new FakeClock(),
    runners: { model: createRecordedModelRunner(replays.answersFor, model), http: http.http },
    isHostApproved: http.isHostApproved,
    recordedOutput: replays.outputOf,
    network: {
      // Offline, as the worker's: only a round the replay's recording holds goes ahead.
      isOnline: () => online,
      untilOnline: (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      neededFor: async (_provider, _model, key) => !(await replays.recordsRound(key)),
    },
    findWorkflow: replayWorkflows(db, async (name) => options.library?.[name]),
    secret: async (name) => options.secrets?.[name],
  });
  return { db, engine };
}

export const storyWorkflow = (polishPrompt = 'Polish: {{steps.draft.output}}'): WorkflowFile =>
  chain('Story', [
    llm('draft', 'Write about {{input.value}}', { systemPrompt: 'You write briefly.', temperature: 0.2 }),
    llm('polish', polishPrompt),
  ]);

/** A model that answers `tag(prompt)` and counts its calls (what a live provider would be). */
export function countingModel(tag: string) {
  const calls: string[] = [];
  const fingerprints: string[] = [];
  const runner = fakeModel(({ key, userPrompt, round }) => {
    calls.push(key.split(':')[1]!);
    fingerprints.push(requestFingerprint(recordedRequestOf(round)));
    return `${tag}(${userPrompt})`;
  });
  return { runner, calls, fingerprints };
}

/** The story workflow saved and run to completion on a live model; `suffix` is added to every answer. */
export async function recordedRun(suffix = '') {
  const live = countingModel('live');
  const source = bundleBrowser(async (round, call) => {
    const reply = await live.runner(round, call);
    return { ...reply, text: reply.text + suffix };
  });
  const saved = await createWorkflow(source.db, storyWorkflow());
  const runId = await source.engine.start({ workflow: saved.doc, workflowId: saved.id, input: { value: 'otters' } });
  const run = await source.engine.awaitRun(runId);
  expect(run.error?.message ?? run.status).toBe('completed');
  return { source, runId, run, live };
}

/** The story run in a tab whose provider answered the draft, then refused the key for the polish: the run failed. */
export async function failedRunBundle() {
  const live = countingModel('live');
  const model: ModelRunner = async (round, call) => {
    if (call.idempotencyKey.includes(':polish@')) throw failure('auth', 'the provider refused the key', false);
    return live.runner(round, call);
  };
  const tab = bundleBrowser(model);
  const saved = await createWorkflow(tab.db, storyWorkflow());
  const runId = await tab.engine.start({ workflow: saved.doc, workflowId: saved.id, input: { value: 'otters' } });
  const run = await tab.engine.awaitRun(runId);
  expect(run.status).toBe('failed');
  return { bundle: await exportRunBundle(tab.db, runId), runId };
}
