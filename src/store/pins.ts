import { z } from 'zod';
import type { PartialRun, RunPin, RunRecord } from '../engine/records';
import { buildExportFile, type WorkflowLookup } from '../schema/exporter';
import type { WorkflowFile } from '../schema/workflow';
import type { TabflowDb, WorkflowRecord } from './db';

/**
 * Pinned outputs of a workflow: a field of its record (`WorkflowRecord.pins`), never of its document,
 * so exports, share links, versions and runs it did not start from the editor never see them. Keyed by
 * step slug; a pin applies to every instance of the step. Read through `readPins`, which reports a
 * damaged field (naming the JSON path) instead of throwing.
 */

export const pinSourceSchema = z.discriminatedUnion('kind', [
  /** Taken from a run's step record. */
  z.object({ kind: z.literal('run'), runId: z.string(), stepKey: z.string() }),
  /** Typed in as JSON. */
  z.object({ kind: z.literal('typed') }),
]);

export const workflowPinSchema = z.object({
  output: z.unknown(),
  /** The nextSteps key the pinned step follows (a condition's rule, an approval's answer); absent: success. */
  branch: z.string().optional(),
  source: pinSourceSchema,
  pinnedAt: z.number(),
});
export type WorkflowPin = z.infer<typeof workflowPinSchema>;
export type PinSource = z.infer<typeof pinSourceSchema>;
export type WorkflowPins = Record<string, WorkflowPin>;

const pinsSchema = z.record(z.string(), workflowPinSchema);

/** The top-level key an export "with pinned outputs" adds to the file (never in a share link). */
export const PINNED_OUTPUTS_KEY = 'pinnedOutputs';

export type PinsRead = { kind: 'ok'; pins: WorkflowPins } | { kind: 'damaged'; problem: string };

/** The record's pins, checked: a damaged field is reported with the path of its first problem. */
export function readPins(record: Pick<WorkflowRecord, 'pins'>): PinsRead {
  if (record.pins === undefined) return { kind: 'ok', pins: {} };
  const parsed = pinsSchema.safeParse(record.pins);
  if (parsed.success) return { kind: 'ok', pins: parsed.data };
  const issue = parsed.error.issues[0]!;
  const path = ['pins', ...issue.path.map(String)].join('.');
  return { kind: 'damaged', problem: `the pinned outputs are damaged at ${path}: ${issue.message}` };
}

/** Thrown when a write would build on a damaged pins field; Clear pins fixes it. */
export class DamagedPinsError extends Error {
  override name = 'DamagedPinsError';
}

async function editPins(db: TabflowDb, workflowId: string, edit: (pins: WorkflowPins) => WorkflowPins): Promise<void> {
  await db.transaction('rw', db.workflows, async () => {
    const record = await db.workflows.get(workflowId);
    if (!record) throw new Error('That workflow no longer exists.');
    const read = readPins(record);
    if (read.kind === 'damaged') throw new DamagedPinsError(`${read.problem} — clear the pins to pin again`);
    const next = edit({ ...read.pins });
    // The record's other fields (document, revision) stay: a pin is no edit of the workflow.
    await db.workflows.update(workflowId, { pins: Object.keys(next).length > 0 ? next : undefined });
  });
}

/** Pins `output` for the step `slug` (replacing any pin it had). */
export function pinStep(
  db: TabflowDb,
  workflowId: string,
  slug: string,
  pin: { output: unknown; branch?: string | undefined; source: PinSource },
  now = Date.now(),
): Promise<void> {
  const stored: WorkflowPin = { output: pin.output, source: pin.source, pinnedAt: now };
  if (pin.branch !== undefined) stored.branch = pin.branch;
  return editPins(db, workflowId, (pins) => ({ ...pins, [slug]: stored }));
}

export function unpinStep(db: TabflowDb, workflowId: string, slug: string): Promise<void> {
  return editPins(db, workflowId, (pins) => {
    delete pins[slug];
    return pins;
  });
}

/** Drops every pin, a damaged field included. */
export async function clearPins(db: TabflowDb, workflowId: string): Promise<void> {
  await db.workflows.update(workflowId, { pins: undefined });
}

/** What a run needs of the pins: the output and branch of each. */
export function runPins(pins: WorkflowPins): Record<string, RunPin> | undefined {
  const entries = Object.entries(pins).map(([slug, pin]): [string, RunPin] =>
    pin.branch === undefined ? [slug, { output: pin.output }] : [slug, { output: pin.output, branch: pin.branch }],
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * The exported file of a workflow: its document only, unless `withPins` asks for its pinned outputs
 * too (under `pinnedOutputs`, in the stored shape). Share links are built without them, always.
 */
export function exportedWorkflow(record: WorkflowRecord, lookup: WorkflowLookup, withPins: boolean): WorkflowFile {
  const file = buildExportFile(record.doc, lookup);
  const read = readPins(record);
  if (!withPins || read.kind === 'damaged' || Object.keys(read.pins).length === 0) return file;
  return { ...file, [PINNED_OUTPUTS_KEY]: read.pins };
}

/** An imported file's pinned outputs go to the record (checked whenever read), not into the document. */
export function splitPinnedOutputs<T extends object>(file: T): { doc: T; pins: unknown } {
  if (!Object.hasOwn(file, PINNED_OUTPUTS_KEY)) return { doc: file, pins: undefined };
  const { [PINNED_OUTPUTS_KEY]: pins, ...doc } = file as Record<string, unknown>;
  return { doc: doc as T, pins };
}

/** Stores an imported file's pinned outputs as they came: `readPins` checks them whenever they are read. */
export async function keepImportedPins(db: TabflowDb, workflowId: string, pins: unknown): Promise<void> {
  if (pins !== undefined) await db.workflows.update(workflowId, { pins });
}

/** What the editor asks a start for: the workflow's pins, and "run this step" or "run to here". */
export interface EditorStart {
  withPins?: boolean;
  /** `inputsFrom`: the run whose outputs (and input) a partial run takes; absent: the workflow's latest run. */
  partial?: { kind: 'step-only' | 'up-to'; slug: string; inputsFrom?: string };
}

type EngineStartFields = { input: unknown; pins?: Record<string, RunPin>; partial?: PartialRun };

/**
 * The pins and partial mode of a run started from the editor. A partial run started without an input
 * takes the input of the run it builds on (the one named, else the latest); "run this step" takes that
 * run's outputs as its inputs too. Damaged pins refuse the start, naming the problem.
 */
export async function editorStartOptions(
  db: TabflowDb,
  record: WorkflowRecord,
  request: EditorStart,
  input: unknown,
): Promise<EngineStartFields> {
  const options: EngineStartFields = { input };
  if (request.withPins) {
    const read = readPins(record);
    if (read.kind === 'damaged') throw new DamagedPinsError(`${read.problem} — clear the pins (or unpin) to run`);
    const pins = runPins(read.pins);
    if (pins) options.pins = pins;
  }
  const partial = request.partial;
  if (!partial) return options;
  const source = partial.inputsFrom ? await db.runs.get(partial.inputsFrom) : await latestRun(db, record.id);
  if (source && source.workflowId !== record.id) throw new Error('that run is not a run of this workflow');
  if (input === undefined) options.input = source?.input ?? {};
  options.partial =
    partial.kind === 'up-to'
      ? { kind: 'up-to', slug: partial.slug }
      : { kind: 'step-only', slug: partial.slug, ...(source ? { inputsFrom: source.id } : {}) };
  return options;
}

/** The workflow's newest top-level run, whatever its status. */
export async function latestRun(db: TabflowDb, workflowId: string): Promise<RunRecord | undefined> {
  const runs = await db.runs.where('workflowId').equals(workflowId).toArray();
  return runs.filter((r) => r.parentRunId === undefined).sort((a, b) => b.createdAt - a.createdAt)[0];
}
