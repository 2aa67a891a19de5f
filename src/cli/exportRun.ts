import {
  asFinishedParts,
  buildRunBundle,
  BundleExportError,
  memoryRunParts,
  type RunBundleParts,
} from '../engine/runBundle';
import { FINISHED_RUN_STATUSES, type StepError } from '../engine/records';
import { definitionHashSync } from '../schema/hash';
import { bundleProblemText } from '../schema/runBundle';
import type { WorkflowFile } from '../schema/workflow';
import { checkRunBundleForImport } from '../store/bundleCheck';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileStore, LOG_FILE } from './fileStore';

/**
 * `tabflow export`: a headless run written out as the run bundle the tab opens (its inspector's import), built by the
 * tab's own builder (`src/engine/runBundle.ts`) and checked by the tab's own check. A run that still waits is
 * written as it stands, ended as cancelled saying why (a bundle holds finished runs; `tabflow run` or the server goes
 * on with the original). Secrets stay `{{secrets.NAME}}` placeholders: a bundle holding a secret value is refused.
 */

/** A run that still waits, as its bundle says it: the message its cancelled record carries. */
export function waitingExport(what: string, where: string): StepError {
  const message = `exported while it waited${what ? ` ${what}` : ''}; the run itself goes on (${where})`;
  return { message, category: 'cancelled', retryable: false };
}

/**
 * The bundle's text: unfinished runs ended with `why`, then built, checked as the tab checks an import, and scanned
 * for every secret value of this environment (`secrets`). Throws `BundleExportError` naming what is wrong.
 */
export function bundleText(
  parts: RunBundleParts,
  why: StepError | undefined,
  secrets: readonly string[],
  now = new Date(),
): string {
  const finished = parts.runs.every((run) => FINISHED_RUN_STATUSES.has(run.status));
  // Without a reason an unfinished run stays as it is, and the builder refuses it, naming its status.
  const bundle = buildRunBundle(finished || !why ? parts : asFinishedParts(parts, why, now.getTime()), now);
  const text = JSON.stringify(bundle, null, 1);
  const checked = checkRunBundleForImport(text);
  if (!checked.ok)
    throw new BundleExportError(`the bundle would not open in the tab: ${bundleProblemText(checked.problem)}`);
  // The records hold placeholders, never a value: this is the last look before the file leaves the machine.
  if (secrets.some((secret) => text.includes(secret)))
    throw new BundleExportError("the run's records contain a secret value of this environment: nothing was exported");
  return text;
}

/**
 * A run of a `tabflow run --store file:DIR` store. Its definitions are stored parsed (defaults filled in), so a run
 * names the hash of the file it was given: the bundle carries the stored one under its own hash, and the runs say so.
 */
export function fileStoreBundleText(
  dir: string,
  runId: string,
  secrets: readonly string[],
  now = new Date(),
): { text: string; state: string } {
  if (!existsSync(join(dir, LOG_FILE)))
    throw new BundleExportError(`${dir} holds no tabflow run store (no ${LOG_FILE})`);
  const store = FileStore.open(dir);
  try {
    const parts = memoryRunParts(store.data, runId);
    const definitions = new Map<string, WorkflowFile>();
    const rehashed = new Map<string, string>();
    for (const run of parts.runs) {
      const stored = store.data.definitions.get(run.workflowHash);
      if (!stored) throw new BundleExportError(`the workflow run ${run.id} ran is not in ${dir}`);
      const hash = definitionHashSync(stored.definition);
      definitions.set(hash, stored.definition);
      rehashed.set(run.workflowHash, hash);
    }
    const runs = parts.runs.map((run) => ({ ...run, workflowHash: rehashed.get(run.workflowHash)! }));
    const why = waitingExport('', `in the store ${dir}: tabflow run continues it`);
    const text = bundleText({ ...parts, runs, definitions }, why, secrets, now);
    const finished = parts.runs.every((run) => FINISHED_RUN_STATUSES.has(run.status));
    return { text, state: finished ? parts.runs[0]!.status : why.message };
  } finally {
    store.close();
  }
}
