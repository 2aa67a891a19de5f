import { readFile } from 'node:fs/promises';
import { secretValues } from '../cli/environment';
import { scrubber } from '../cli/report';
import { bundleProblemText, looksLikeRunBundle } from '../schema/runBundle';
import type { WorkflowFile } from '../schema/workflow';
import { checkRunBundleForImport } from '../store/bundleCheck';
import {
  approveStep,
  cancelRun,
  CommandError,
  listRuns,
  runStatus,
  sendRunEvent,
  submitRun,
  withClient,
  withDatabase,
  type RunStatus,
} from './commands';
import type { RunRequest } from './runWorkflow';
import { exportCommand } from './exportRun';
import { formatChildren } from './childStatus';
import { describe } from './supervisor';
import { startWorker } from './worker';

/** The server subcommands of `tabflow` (src/cli/ dispatches here). Resolves with the exit code. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export const SERVER_COMMANDS = ['worker', 'submit', 'status', 'approve', 'send', 'cancel', 'list', 'export'] as const;
export type ServerCommand = (typeof SERVER_COMMANDS)[number];

export function isServerCommand(command: string): command is ServerCommand {
  return (SERVER_COMMANDS as readonly string[]).includes(command);
}

const BOOLEAN_FLAGS = new Set(['json', 'reject', 'wait']);

export const SERVER_USAGE = `Server commands (DBOS over PostgreSQL at --database-url, else TABFLOW_DATABASE_URL):
  tabflow worker [--executor-id ID] [--concurrency N] [--heartbeat-ms N] [--stale-after-ms N]
      runs workflows; workers on one database share them and adopt the runs of one that stopped;
      TABFLOW_REQUEST_LIMIT=N/Ss (or TABFLOW_REQUESTS_PER_MINUTE) and TABFLOW_CONCURRENT_REQUESTS limit each
      provider for all workers together
  tabflow submit workflow.json [--input JSON] [--id RUN] [--wait] [--json]
  tabflow submit bundle.json [--wait] [--json]   a run bundle from the tab: continues from its last finished step
  tabflow status RUN [--json]
  tabflow approve RUN STEP [--reject] [--note TEXT] [--idempotency-key KEY]
      also a budget question of STEP's model round: approve is Continue, --reject is Stop
  tabflow send RUN EVENT JSON [--idempotency-key KEY]
  tabflow cancel RUN
  tabflow list [--json]
  tabflow export RUN [--out bundle.json] [--store file:DIR]   a run (finished or waiting) as a bundle the tab opens`;

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const queue = [...argv];
  for (let arg = queue.shift(); arg !== undefined; arg = queue.shift()) {
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
    const value = equals < 0 ? (BOOLEAN_FLAGS.has(name) ? true : queue.shift()) : arg.slice(equals + 1);
    if (value === undefined) throw new CommandError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { positional, flags };
}

function stringFlag(parsed: Parsed, name: string): string | undefined {
  const value = parsed.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

function databaseUrl(parsed: Parsed, env: NodeJS.ProcessEnv): string {
  const url = stringFlag(parsed, 'database-url') ?? env.TABFLOW_DATABASE_URL;
  if (!url) throw new CommandError('no database: pass --database-url postgres://… or set TABFLOW_DATABASE_URL');
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new CommandError('--database-url must start with postgres:// or postgresql://');
  return url;
}

function positional(parsed: Parsed, index: number, what: string): string {
  const value = parsed.positional[index];
  if (value === undefined) throw new CommandError(`missing ${what}\n\n${SERVER_USAGE}`);
  return value;
}

export function parseJsonArgument(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CommandError(`${what} is not valid JSON: ${describe(error)}`);
  }
}

/** A workflow and its `--input`, or a run bundle (checked as the tab opens one), which carries its run's own. */
async function readRunRequest(parsed: Parsed): Promise<RunRequest> {
  const path = positional(parsed, 0, 'workflow.json');
  const text = await readText(path);
  const inputText = stringFlag(parsed, 'input');
  if (!looksLikeRunBundle(text)) {
    const input = inputText === undefined ? {} : parseJsonArgument(inputText, '--input');
    return { workflow: parseWorkflow(text, path), input };
  }
  if (inputText !== undefined || parsed.flags.has('id'))
    throw new CommandError(`${path} is a run bundle: it carries its own run id and input (drop --input and --id)`);
  const checked = checkRunBundleForImport(text);
  if (!checked.ok) throw new CommandError(`${path} is not a usable run bundle: ${bundleProblemText(checked.problem)}`);
  const { bundle } = checked;
  const run = bundle.runs.find((r) => r.id === bundle.runId);
  const main = run && bundle.definitions.find((d) => d.hash === run.workflowHash);
  if (!run || !main) throw new CommandError(`${path}: the bundle holds no run "${bundle.runId}" with its workflow`);
  return { workflow: main.workflow as WorkflowFile, input: run.input, bundle };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CommandError(`cannot read ${path}: ${describe(error)}`);
  }
}

function parseWorkflow(text: string, path: string): WorkflowFile {
  const parsed = parseJsonArgument(text, path);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CommandError(`${path}: a workflow file is a JSON object with workflowConfig and stepsConfig`);
  }
  return parsed as WorkflowFile;
}

export async function runServerCommand(command: string, argv: string[], io: CommandIo): Promise<number> {
  // As `tabflow run` does: no key or secret value of this environment is printed, even one a run recorded.
  const scrub = scrubber(secretValues(io.env));
  const out = (line: string) => io.stdout.write(`${scrub(line)}\n`);
  try {
    const parsed = parseArgs(argv);
    switch (command) {
      case 'worker':
        return await workerCommand(parsed, io);
      case 'submit':
        return await submitCommand(parsed, io, out);
      case 'status': {
        const runId = positional(parsed, 0, 'RUN');
        const status = await withClient(databaseUrl(parsed, io.env), (client) => runStatus(client, runId));
        out(parsed.flags.has('json') ? JSON.stringify(status) : formatStatus(status));
        return 0;
      }
      case 'approve':
        return await approveCommand(parsed, io, out);
      case 'send':
        return await sendCommand(parsed, io, out);
      case 'cancel': {
        const runId = positional(parsed, 0, 'RUN');
        await withClient(databaseUrl(parsed, io.env), (client) => cancelRun(client, runId));
        out(`cancelled run ${runId}`);
        return 0;
      }
      case 'list': {
        const runs = await withClient(databaseUrl(parsed, io.env), (client) => listRuns(client));
        if (parsed.flags.has('json')) out(JSON.stringify(runs.map((r) => ({ id: r.workflowID, status: r.status }))));
        else for (const run of runs) out(`${run.workflowID}  ${run.status}  ${new Date(run.createdAt).toISOString()}`);
        return 0;
      }
      case 'export': {
        const [runId, store, file] = [
          positional(parsed, 0, 'RUN'),
          stringFlag(parsed, 'store'),
          stringFlag(parsed, 'out'),
        ];
        const target = { runId, ...(store ? { store } : {}), ...(file ? { out: file } : {}) };
        return await exportCommand({ ...target, databaseUrl: () => databaseUrl(parsed, io.env) }, io.env, out);
      }
      default:
        throw new CommandError(`unknown command "${command}"\n\n${SERVER_USAGE}`);
    }
  } catch (error) {
    io.stderr.write(scrub(`tabflow ${command}: ${describe(error)}\n`));
    return 1;
  }
}

async function approveCommand(parsed: Parsed, io: CommandIo, out: (line: string) => void): Promise<number> {
  const args = { runId: positional(parsed, 0, 'RUN'), step: positional(parsed, 1, 'STEP') };
  const note = stringFlag(parsed, 'note');
  const key = stringFlag(parsed, 'idempotency-key');
  const approved = !parsed.flags.has('reject');
  const sent = await withDatabase(databaseUrl(parsed, io.env), (client, pool) =>
    approveStep(client, pool, {
      ...args,
      approved,
      ...(note ? { note } : {}),
      ...(key ? { idempotencyKey: key } : {}),
    }),
  );
  const again = sent === 'repeated' ? ' (the same answer as before: the step takes it once)' : '';
  out(`${approved ? 'approved' : 'rejected'} ${args.step} of run ${args.runId}${again}`);
  return 0;
}

async function sendCommand(parsed: Parsed, io: CommandIo, out: (line: string) => void): Promise<number> {
  const runId = positional(parsed, 0, 'RUN');
  const event = positional(parsed, 1, 'EVENT');
  const payload = parseJsonArgument(positional(parsed, 2, 'JSON payload'), 'the event payload');
  const key = stringFlag(parsed, 'idempotency-key');
  await withClient(databaseUrl(parsed, io.env), (client) =>
    sendRunEvent(client, { runId, event, payload, ...(key ? { idempotencyKey: key } : {}) }),
  );
  out(`sent ${event} to run ${runId}`);
  return 0;
}

async function submitCommand(parsed: Parsed, io: CommandIo, out: (line: string) => void): Promise<number> {
  const request = await readRunRequest(parsed);
  return withClient(databaseUrl(parsed, io.env), async (client) => {
    const runId = await submitRun(client, request, request.bundle?.runId ?? stringFlag(parsed, 'id'));
    if (!parsed.flags.has('wait')) {
      out(parsed.flags.has('json') ? JSON.stringify({ id: runId }) : runId);
      return 0;
    }
    const result = await client.retrieveWorkflow(runId).getResult();
    const status = await runStatus(client, runId);
    out(parsed.flags.has('json') ? JSON.stringify(status) : formatStatus(status));
    return result && typeof result === 'object' && 'status' in result && result.status === 'completed' ? 0 : 1;
  });
}

async function workerCommand(parsed: Parsed, io: CommandIo): Promise<number> {
  const number = (flag: string) => {
    const text = stringFlag(parsed, flag);
    return text === undefined ? undefined : positiveInteger(text, `--${flag}`);
  };
  const executorId = stringFlag(parsed, 'executor-id');
  const concurrency = number('concurrency');
  const heartbeatMs = number('heartbeat-ms');
  const staleAfterMs = number('stale-after-ms');
  const worker = await startWorker({
    databaseUrl: databaseUrl(parsed, io.env),
    ...(executorId ? { executorId } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(heartbeatMs ? { heartbeatMs } : {}),
    ...(staleAfterMs ? { staleAfterMs } : {}),
    env: io.env,
    log: (line) => io.stderr.write(`${line}\n`),
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await worker.stop();
  return 0;
}

function positiveInteger(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new CommandError(`${what} must be a whole number of at least 1`);
  return value;
}

export function formatStatus(status: RunStatus): string {
  const lines = [`run ${status.id}: ${status.result?.status ?? status.dbosStatus.toLowerCase()}`];
  if (status.executorId) lines.push(`  worker: ${status.executorId}`);
  if (status.waitingFor) lines.push(`  waiting for: ${status.waitingFor.event} (step ${status.waitingFor.stepKey})`);
  if (status.operations.length > 0) lines.push(`  recorded: ${status.operations.join(', ')}`);
  lines.push(...formatChildren(status.children ?? []));
  if (status.result?.output !== undefined) lines.push(`  output: ${JSON.stringify(status.result.output)}`);
  if (status.result?.error) lines.push(`  error: ${status.result.error.message}`);
  if (status.error) lines.push(`  error: ${status.error}`);
  return lines.join('\n');
}
