import { systemClock } from '../engine/clock';
import { Engine } from '../engine/engine';
import { InputError } from '../engine/input';
import { FINISHED_RUN_STATUSES, type RunRecord } from '../engine/records';
import { definitionHash, stableStringify } from '../schema/hash';
import type { RunBundle } from '../schema/runBundle';
import type { WorkflowFile } from '../schema/workflow';
import { DEMO_CUSTOMERS } from '../templates/demoCustomers';
import { loadBundleRun } from './bundleRun';
import { openStore, type CliStore } from './cliStore';
import { embeddedEngineDeps } from './embedded';
import { chooseModelProvider, positiveNumber, secretValues, type ModelProviderChoice } from './environment';
import { loadInput, loadRunFile } from './load';
import { createReporter, type CliIo, type Reporter } from './report';
import { parseRunArgs, RUN_USAGE, type RunArgs } from './runArgs';
import { RunSession, type Stopped } from './session';
import { errorMessage } from '../schema/errorMessage';

export const EXIT = { completed: 0, failed: 1, usage: 2, waiting: 3, interrupted: 130 } as const;

/** How long a stopped engine may take to finish the writes under way before the store closes. */
const SHUTDOWN_GRACE_MS = 2_000;

/** What to run: a new run of a workflow, or a run already in the store (continued), or one already finished. */
type Plan =
  | { kind: 'start'; workflow: WorkflowFile; input: unknown }
  | { kind: 'continue'; run: RunRecord; workflows: readonly WorkflowFile[] }
  | { kind: 'finished'; run: RunRecord };

/** `tabflow run …`: runs a workflow (or continues a run bundle) headless on the engine; returns the exit code. */
export async function runCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const reporter = createReporter(argv.includes('--json'), io, secretValues(io.env));
  const parsed = parseRunArgs(argv);
  if (!parsed.ok) {
    reporter.error(`${parsed.message}\n\n${RUN_USAGE}`);
    return EXIT.usage;
  }
  const { args } = parsed;
  const provider = chooseModelProvider(io.env, args.modelProvider);
  if (!provider.ok) {
    reporter.error(provider.message);
    return EXIT.usage;
  }
  const file = await loadRunFile(args.file);
  if (file.kind === 'refused') {
    reporter.error(file.message);
    return EXIT.failed;
  }
  if (file.kind === 'bundle' && args.input.kind !== 'none') {
    reporter.error(`a run bundle carries its own input: drop ${args.input.source}`);
    return EXIT.usage;
  }
  const input = file.kind === 'workflow' ? await loadInput(args.input) : { ok: true as const, value: undefined };
  if (!input.ok) {
    reporter.error(input.message);
    return EXIT.usage;
  }
  if (file.kind === 'workflow') file.notes.forEach((note) => reporter.note(note));
  let store: CliStore;
  try {
    store = openStore(args.store);
  } catch (error) {
    reporter.error(errorMessage(error));
    return EXIT.failed;
  }
  try {
    if (store.created) store.seedTable('customers', DEMO_CUSTOMERS);
    const plan =
      file.kind === 'workflow'
        ? await planWorkflow(store, file.workflow, input.value)
        : await planBundle(store, file.bundle, reporter);
    return await execute(plan, { args, io, reporter, store, modelProvider: provider.choice });
  } finally {
    store.close();
  }
}

/** A new run, or — in a file store — the unfinished run of this same workflow and input, continued. */
async function planWorkflow(store: CliStore, workflow: WorkflowFile, input: unknown): Promise<Plan> {
  const hash = await definitionHash(workflow);
  const sameInput = stableStringify(input);
  const unfinished = (await store.listUnfinishedRuns())
    .filter((run) => run.depth === 0 && run.workflowHash === hash && stableStringify(run.input) === sameInput)
    .sort((a, b) => b.createdAt - a.createdAt);
  const workflows = (workflow.bundledWorkflows ?? []) as WorkflowFile[];
  return unfinished[0] ? { kind: 'continue', run: unfinished[0], workflows } : { kind: 'start', workflow, input };
}

async function planBundle(store: CliStore, bundle: RunBundle, reporter: Reporter): Promise<Plan> {
  const loaded = await loadBundleRun(store, bundle);
  const main = bundle.definitions.find((d) => d.hash === loaded.run.workflowHash)?.workflow as WorkflowFile;
  const workflows = (main?.bundledWorkflows ?? []) as WorkflowFile[];
  if (loaded.kind === 'continues')
    reporter.note(
      `loaded the bundle's run ${loaded.run.id}: ${loaded.kept} records kept, ${loaded.dropped} to run again`,
    );
  if (loaded.kind === 'finished') reporter.note(`the bundle's run ${loaded.run.id} had completed: nothing to run`);
  const finished = FINISHED_RUN_STATUSES.has(loaded.run.status);
  return finished ? { kind: 'finished', run: loaded.run } : { kind: 'continue', run: loaded.run, workflows };
}

interface Context {
  args: RunArgs;
  io: CliIo;
  reporter: Reporter;
  store: CliStore;
  modelProvider: ModelProviderChoice | undefined;
}

type Outcome = { kind: 'finished'; run: RunRecord } | Stopped | { kind: 'interrupted' };

async function execute(plan: Plan, ctx: Context): Promise<number> {
  const { args, io, reporter, store } = ctx;
  if (plan.kind === 'finished') return finish(plan.run, reporter);
  const session = new RunSession(args, reporter, plan.kind === 'continue' ? plan.run.id : undefined);
  const engine = new Engine(
    embeddedEngineDeps({
      store: session.observe(store),
      clock: systemClock,
      env: io.env,
      allowedHosts: args.allowedHosts,
      workflows: plan.kind === 'start' ? ((plan.workflow.bundledWorkflows ?? []) as WorkflowFile[]) : plan.workflows,
      ...(ctx.modelProvider ? { modelProvider: ctx.modelProvider } : {}),
      ...demoPace(args, io.env),
    }),
  );
  session.attach(engine);
  const durable = args.store.kind === 'file';
  const where = durable ? `store file:${args.store.kind === 'file' ? args.store.dir : ''}` : 'memory store';
  let runId: string;
  try {
    runId = plan.kind === 'start' ? await engine.start({ workflow: plan.workflow, input: plan.input }) : plan.run.id;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    reporter.error(error.message);
    return EXIT.failed;
  }
  if (plan.kind === 'continue') await engine.resumeAll();
  const run = (await store.loadRun(runId))!;
  reporter.started(run, plan.kind === 'start' ? 'started' : 'resumed', where);
  // A run waiting on an answer holds no timer of its own: this keeps the process alive until the outcome.
  const keepAlive = setInterval(() => undefined, 60_000);
  const outcome = await Promise.race<Outcome>([
    engine.awaitRun(runId).then((finished) => ({ kind: 'finished', run: finished })),
    session.stopped,
    interruption(io.signal),
  ]).finally(() => clearInterval(keepAlive));
  if (outcome.kind === 'finished') return finish(outcome.run, reporter);
  engine.shutdown();
  await Promise.race([engine.idle(), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS))]);
  if (outcome.kind === 'interrupted') {
    reporter.interrupted(runId, durable);
    return EXIT.interrupted;
  }
  reporter.waiting(outcome.runId, outcome.questions, durable);
  return EXIT.waiting;
}

/** `--demo-speed`, else `TABFLOW_DEMO_TOKENS_PER_SECOND` (as the server reads it), else the demo model's own pace. */
function demoPace(args: RunArgs, env: CliIo['env']): { demoTokensPerSecond?: number } {
  const pace = args.demoTokensPerSecond ?? positiveNumber(env.TABFLOW_DEMO_TOKENS_PER_SECOND);
  return pace === undefined ? {} : { demoTokensPerSecond: pace };
}

function finish(run: RunRecord, reporter: Reporter): number {
  reporter.finished(run);
  return run.status === 'completed' ? EXIT.completed : EXIT.failed;
}

function interruption(signal: AbortSignal | undefined): Promise<Outcome> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve({ kind: 'interrupted' });
    signal.addEventListener('abort', () => resolve({ kind: 'interrupted' }), { once: true });
  });
}
