import type { DBOSClient } from '@dbos-inc/dbos-sdk';
import { writeFile } from 'node:fs/promises';
import pg, { type Pool } from 'pg';
import { BundleExportError, definitionsByHash } from '../engine/runBundle';
import { FINISHED_RUN_STATUSES, type StepError, type WaitReason } from '../engine/records';
import type { WorkflowFile } from '../schema/workflow';
import { secretValues } from '../cli/environment';
import { bundleText, fileStoreBundleText, waitingExport } from '../cli/exportRun';
import { CommandError, waitsOf, withClient } from './commands';
import { describe } from './supervisor';
import { savedJournal } from './runJournal';
import { RUN_WORKFLOW, type RunRequest } from './runWorkflow';

/**
 * `tabflow export RUN --database-url …`: a server run as the run bundle the tab opens, from the journal its worker
 * saved when it last waited or ended (`runJournal.ts`) and the workflow it was submitted with (DBOS keeps the run's
 * input). A run that waits is written as it stands (ended as cancelled in the bundle, saying so); one that is
 * running between two waits is refused, since what was saved is older than where it is.
 */
export async function exportServerRun(
  client: DBOSClient,
  pool: Pool,
  runId: string,
  secrets: readonly string[],
  now = new Date(),
): Promise<{ text: string; state: string }> {
  const status = await client.getWorkflow(runId);
  if (!status || status.workflowName !== RUN_WORKFLOW)
    throw new CommandError(`no run has the id "${runId}" in this database`);
  const request = status.input?.[0] as RunRequest | undefined;
  const journal = await savedJournal(pool, runId);
  if (!request || !journal)
    throw new CommandError(
      `run ${runId} (${status.status.toLowerCase()}) has saved no journal yet: export it once it waits or has finished`,
    );
  const root = journal.runs[0]!;
  if (status.status === 'SUCCESS' && !FINISHED_RUN_STATUSES.has(root.status))
    throw new CommandError(`run ${runId} has finished, but the journal its worker saved is older than its end`);
  const why =
    status.status === 'SUCCESS'
      ? undefined
      : await unfinishedReason(client, runId, status.status, root.waits ?? [], now);
  const documents = request.bundle
    ? request.bundle.definitions.map((d) => d.workflow as WorkflowFile)
    : withBundled(request.workflow);
  const text = bundleText({ ...journal, definitions: definitionsByHash(documents) }, why, secrets, now);
  return { text, state: why?.message ?? root.status };
}

/** A workflow and the ones it bundles for its subworkflow steps, at any depth. */
function withBundled(workflow: WorkflowFile): WorkflowFile[] {
  return [workflow, ...(workflow.bundledWorkflows ?? []).flatMap((bundled) => withBundled(bundled as WorkflowFile))];
}

/** Why the run has not finished, if it has not: it waits (for what), it was cancelled or failed on the server. */
async function unfinishedReason(
  client: DBOSClient,
  runId: string,
  dbosStatus: string,
  waits: readonly WaitReason[],
  now: Date,
): Promise<StepError> {
  if (dbosStatus === 'CANCELLED')
    return { message: 'cancelled on the server', category: 'cancelled', retryable: false };
  if (dbosStatus === 'ERROR')
    return {
      message: 'its workflow failed on the server (see tabflow status)',
      category: 'internal',
      retryable: false,
    };
  if (dbosStatus !== 'PENDING' && dbosStatus !== 'ENQUEUED')
    return { message: `the server run is ${dbosStatus.toLowerCase()}`, category: 'cancelled', retryable: false };
  const received = (await waitsOf(client, runId))[0];
  if (received)
    return waitingExport(`for ${received.waitingFor.event} (step ${received.waitingFor.stepKey})`, 'on the server');
  const sleep = waits.find((w) => w.kind === 'sleep' && w.wakeAt > now.getTime());
  if (sleep && sleep.kind === 'sleep')
    return waitingExport(`asleep until ${new Date(sleep.wakeAt).toISOString()}`, 'on the server');
  throw new CommandError(`run ${runId} is running: export it when it waits or has finished`);
}

export interface ExportArgs {
  runId: string;
  /** The file to write; the bundle goes to stdout without it. */
  out?: string;
  /** `file:DIR`: a `tabflow run --store file:DIR` store instead of the server's database. */
  store?: string;
  databaseUrl(): string;
}

/** `tabflow export RUN [--out file.json] (--database-url URL | --store file:DIR)`. */
export async function exportCommand(
  args: ExportArgs,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> {
  const secrets = secretValues(env);
  const bundle = await exportedRun(args, secrets);
  if (args.out === undefined) {
    out(bundle.text);
    return 0;
  }
  try {
    await writeFile(args.out, bundle.text);
  } catch (error) {
    throw new CommandError(`cannot write ${args.out}: ${describe(error)}`);
  }
  out(`exported run ${args.runId} (${bundle.state}) to ${args.out}`);
  return 0;
}

async function exportedRun(args: ExportArgs, secrets: readonly string[]): Promise<{ text: string; state: string }> {
  try {
    if (args.store !== undefined) {
      if (!args.store.startsWith('file:') || args.store.length === 'file:'.length)
        throw new CommandError(
          `--store must be "file:<directory>", the store of tabflow run (got "${args.store.slice(0, 80)}")`,
        );
      return fileStoreBundleText(args.store.slice('file:'.length), args.runId, secrets);
    }
    const pool = new pg.Pool({ connectionString: args.databaseUrl(), max: 1 });
    try {
      return await withClient(args.databaseUrl(), (client) => exportServerRun(client, pool, args.runId, secrets));
    } finally {
      await pool.end();
    }
  } catch (error) {
    if (error instanceof BundleExportError) throw new CommandError(`run ${args.runId}: ${error.message}`);
    throw error;
  }
}
