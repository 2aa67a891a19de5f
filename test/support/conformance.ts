import { FakeClock } from '../../src/engine/clock';
import { Engine } from '../../src/engine/engine';
import type { ModelRunner } from '../../src/engine/llmTypes';
import { MemoryData, MemoryStore } from '../../src/engine/memoryStore';
import type { RunRecord, StepRecord } from '../../src/engine/records';
import type { EngineDeps } from '../../src/engine/runtime';
import type { EngineStore } from '../../src/engine/store';
import { createDemoModel, isDemoModelId } from '../../src/llm/demo';
import { createModelRunner } from '../../src/llm/modelRunner';
import { createRecordedModelRunner } from '../../src/llm/recorded';
import { resolveWithKey, type ProviderSettings } from '../../src/llm/providers';
import { stableStringify } from '../../src/schema/hash';
import type { WorkflowFile } from '../../src/schema/workflow';
import { DEMO_CUSTOMERS } from '../../src/templates/demoCustomers';
import { TEMPLATES } from '../../src/templates';
import { fetchHttp } from '../../src/worker/httpRunner';
import { createServer, type Server } from 'node:http';
import { runToEnd } from './engine';
import { listenLocally } from './localServer';
import { chain, findThenMarkAtRisk, http, llm, set, transform } from './flows';

/**
 * The conformance suite's harness: every template and every held-in flow, run on the offline demo model through one
 * engine wiring or another (the tab's executor, `tabflow run`'s embedded runner, DBOS), compared by their output and
 * the sequence of their journal's step keys. A wiring gets a store and a clock and returns the engine's deps.
 */

export interface ConformanceCase {
  id: string;
  workflow: WorkflowFile;
  input: unknown;
  /** Approval steps (slugs, top level) approved as the run reaches them. */
  approve: string[];
  /** Hosts the user allows (the tab's "Allow", `tabflow run --allow-host`); the server allows allowedHosts. */
  hosts?: string[];
}

export interface ConformanceResult {
  status: RunRecord['status'];
  output: unknown;
  /** The run's journal keys in recording (seq) order, without the run id: `slug@path`, `…/r1`, `…/r1/tool0`. */
  stepKeys: string[];
}

/** Builds an engine's deps over the store and clock the harness owns. */
export type ConformanceWiring = (env: { store: EngineStore; clock: FakeClock }) => EngineDeps;

const TEMPLATE_INPUTS: Record<string, { input: unknown; approve?: string[] }> = {
  'single-customer-status': { input: { customerId: 'cus_003' } },
  'weather-outfit-chain': { input: { location: 'Oslo' } },
  'parallel-analysis': { input: { customerId: 'cus_004' } },
  'support-routing': { input: { message: 'The export button crashes the app every time I press it.' } },
  'approval-before-update': { input: { customerId: 'cus_001' }, approve: ['approve'] },
  'invoice-extraction': {
    input: { email: 'Bill Initech for 5 consulting days at 900 USD each, plus 1 licence at 300 USD. Net 15.' },
  },
  'customer-digest': { input: {} },
};

/** Flows built from test/support/flows.ts: the table round trip, and one chain of each pure and model step. */
const HELD_IN_FLOWS: ConformanceCase[] = [
  { id: 'flow:find-then-mark-at-risk', workflow: findThenMarkAtRisk(), input: { value: 'cus_005' }, approve: [] },
  {
    id: 'flow:set-transform-llm',
    workflow: chain('Held-in chain', [
      set('greet', { text: 'Hello {{input.value}}', n: 3 }),
      transform('shout', '{ "text": $uppercase(steps.greet.output.text), "twice": steps.greet.output.n * 2 }'),
      llm('reply', 'Write one line to {{steps.shout.output.text}} about the number {{steps.shout.output.twice}}.'),
    ]),
    input: { value: 'Ada' },
    approve: [],
  },
];

/** Every case: each built-in template (an input of its own), then the held-in flows. */
export function conformanceCases(): ConformanceCase[] {
  const templates = TEMPLATES.map((template) => {
    const given = TEMPLATE_INPUTS[template.id];
    if (!given) throw new Error(`conformance: no input for the template "${template.id}" (add it to TEMPLATE_INPUTS)`);
    return { id: template.id, workflow: template.doc, input: given.input, approve: given.approve ?? [] };
  });
  return [...templates, ...HELD_IN_FLOWS.map((c) => ({ ...c, workflow: structuredClone(c.workflow) }))];
}

/**
 * The held-in http flow, against `startEchoServer`'s origin: a POST (so it carries the step's idempotency key) whose
 * JSON answer a transform reads. Its host is in the workflow's allowedHosts and allowed by the user.
 */
export function httpConformanceCase(origin: string): ConformanceCase {
  const host = new URL(origin).host;
  const workflow = chain(
    'Held-in http',
    [
      http('order', `${origin}/orders`, { body: { order: '{{input.value}}', qty: 2 } }),
      transform('receipt', '{ "status": steps.order.output.status, "echo": steps.order.output.body }'),
    ],
    { allowedHosts: [host] },
  );
  return { id: 'flow:http', workflow, input: { value: 'o-7' }, approve: [], hosts: [host] };
}

/** A local server answering every request with its method, path and JSON body (no Date header: outputs compare). */
export async function startEchoServer(): Promise<{ origin: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      requests.push(String(req.headers['idempotency-key'] ?? ''));
      res.sendDate = false;
      const body = { method: req.method, path: req.url, received: text ? JSON.parse(text) : null };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  return { ...(await listenLocally(server)), requests };
}

/** A fresh memory store holding the demo customers, as a new tab (and a new `tabflow run` store) starts. */
export function demoMemoryData(): MemoryData {
  const data = new MemoryData();
  for (const row of DEMO_CUSTOMERS) data.table('customers').set(row.id, { ...row });
  return data;
}

/** Runs one case to its end over a memory store on a fake clock, approving its approval steps up front. */
export async function runConformanceCase(c: ConformanceCase, wiring: ConformanceWiring): Promise<ConformanceResult> {
  const data = demoMemoryData();
  const clock = new FakeClock();
  const deps = wiring({ store: new MemoryStore(data), clock });
  const engine = new Engine(deps);
  const runId = await engine.start({ workflow: c.workflow, input: c.input });
  // An approval (or a host's Allow, where the wiring does not allow it already) sent before the run reaches the step
  // is kept until the step consumes it.
  for (const slug of c.approve) await engine.approve(runId, `${runId}:${slug}@`, true);
  for (const host of c.hosts ?? [])
    if (!(await deps.isHostApproved?.('', host))) await engine.confirmHost(runId, host, true);
  const run = await runToEnd(data, clock, runId);
  return resultOf(
    run,
    [...data.steps.values()].filter((s) => s.runId === runId),
  );
}

/** The comparable facts of a finished run and its journal (any store's records). */
export function resultOf(
  run: Pick<RunRecord, 'id' | 'status' | 'output'>,
  journal: readonly StepRecord[],
): ConformanceResult {
  const prefix = `${run.id}:`;
  const stepKeys = [...journal]
    .sort((a, b) => a.seq - b.seq)
    .map((s) => (s.key.startsWith(prefix) ? s.key.slice(prefix.length) : s.key));
  return { status: run.status, output: run.output, stepKeys };
}

/** What differs between two results, in words (empty when they conform). */
export function compareResults(expected: ConformanceResult, actual: ConformanceResult): string[] {
  const differences: string[] = [];
  if (expected.status !== actual.status) differences.push(`status ${expected.status} ≠ ${actual.status}`);
  if (stableStringify(expected.output) !== stableStringify(actual.output))
    differences.push(`output ${clip(expected.output)} ≠ ${clip(actual.output)}`);
  const length = Math.max(expected.stepKeys.length, actual.stepKeys.length);
  for (let i = 0; i < length; i++) {
    if (expected.stepKeys[i] === actual.stepKeys[i]) continue;
    differences.push(`step key ${i}: ${expected.stepKeys[i] ?? '(none)'} ≠ ${actual.stepKeys[i] ?? '(none)'}`);
    break;
  }
  return differences;
}

function clip(value: unknown): string {
  const text = stableStringify(value) ?? 'undefined';
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/**
 * The tab's executor wiring (src/worker/executor.worker.ts) over the harness's store: its model runner (the recorded
 * runner over the AI SDK runner, no provider configured, so the demo model), its http runner with no host confirmed,
 * its network and key checks as they answer with no provider. Only IndexedDB and the worker around it are left out.
 */
export const browserWiring: ConformanceWiring = ({ store, clock }) => {
  const settings: ProviderSettings = { providers: [] };
  const sleep = (ms: number, signal?: AbortSignal) => clock.sleepUntil(clock.now() + ms, signal);
  const live = createModelRunner({
    settings: async () => settings,
    prices: async () => ({}),
    key: async () => undefined,
    demoModel: (id) => createDemoModel({ modelId: isDemoModelId(id) ? id : undefined, sleep }),
    now: () => clock.now(),
    sleep,
  });
  const model: ModelRunner = createRecordedModelRunner(() => Promise.resolve(undefined), live);
  return {
    store,
    clock,
    runners: { http: fetchHttp, model },
    network: {
      neededFor: async (provider, modelId) =>
        (await resolveWithKey(settings, provider, modelId, async () => undefined)).resolved.kind === 'configured',
      isOnline: () => true,
      untilOnline: () => new Promise<void>(() => undefined),
    },
    keys: { blocks: async () => false, untilUnlocked: () => new Promise<void>(() => undefined) },
    secret: async () => undefined,
    findWorkflow: async () => undefined,
    isHostApproved: async () => false,
  };
};
