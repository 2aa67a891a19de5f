import Dexie, { type EntityTable, type Table, type Transaction } from 'dexie';
import { recordKind, type EventRecord, type RunRecord, type StepRecord } from '../engine/records';
import type { TableRow } from '../engine/store';
import type { WorkflowFile } from '../schema/workflow';
import { definitionHashSync } from '../schema/hash';
import type { BatchCellRecord, BatchRecord, BatchRowChunk } from './batches';
import type { LeaseRecord } from './leases';

/** A saved workflow. `doc` is the definition exactly as imported or edited (unknown fields kept). */
export interface WorkflowRecord {
  id: string;
  /** Mirror of `doc.workflowConfig.name`, indexed for listing and subworkflow lookup. */
  name: string;
  doc: WorkflowFile;
  /** Editor text that is not (yet) a valid workflow; kept so a half-typed edit survives a reload. */
  draftText?: string;
  /** Built-in template this workflow was created from. */
  templateId?: string;
  createdAt: number;
  updatedAt: number;
  /** Set by delete; undo clears it. Deleted workflows are hidden, not dropped. */
  deletedAt?: number;
  /**
   * Counts the writes of `doc` or `draftText` (absent: 0). A save names the revision it was based on
   * and is refused if another tab wrote since (compare-and-set, `src/store/workflows.ts`).
   */
  revision?: number;
  /** Pinned step outputs (`src/store/pins.ts`, read only through `readPins`): not part of the document. */
  pins?: unknown;
}

/** How a version came about: typed in an editor, a restore of an older one, an import, or kept over another tab's. */
export type VersionOrigin = 'edit' | 'restore' | 'import' | 'conflict-copy';

/** A saved state of a workflow (`src/store/versions.ts`): one per editing burst, numbered from 1. */
export interface VersionRecord {
  id: string;
  workflowId: string;
  seq: number;
  createdAt: number;
  /** Last time an edit of the same burst extended it. */
  updatedAt: number;
  doc: WorkflowFile;
  /** `definitionHash(doc)`: what a run that ran this version stores as its `workflowHash`. */
  definitionHash: string;
  /** What changed since the version before, in words. */
  summary: string;
  name?: string;
  origin: VersionOrigin;
  /** The editor (tab and workflow) whose edits it holds; only that editor's next edits extend it. */
  session?: string;
  /** For a restore: the version it brought back. */
  restoredFrom?: number;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}

/** A definition a run started with, by content hash: immutable once saved. */
export interface DefinitionRecord {
  hash: string;
  definition: WorkflowFile;
  /** Saved after parsing (defaults filled in); records from before hold the file as given. */
  parsed?: boolean;
  savedAt: number;
}

/** One row of a local table; `row` is the user's object exactly as imported or updated. */
export interface TableRowRecord {
  table: string;
  id: string;
  row: TableRow;
}

/** An LLM conversation (filled in by the threads issue; only the indexed fields are fixed here). */
export interface ThreadRecord {
  id: string;
  [field: string]: unknown;
}

/** A thread message (see engine/records.ts `ThreadMessageRecord`): keyed by the effect that wrote it. */
export interface MessageRecord {
  id: string;
  threadId: string;
  /** Order within the thread. */
  seq: number;
  runId: string;
  [field: string]: unknown;
}

/** AES-GCM ciphertext and its nonce, both base64. */
export interface SealedValue {
  iv: string;
  data: string;
}

/**
 * An API key or other secret value. Secrets live only in this table, never in runs, steps or settings.
 * Since version 5 every write is sealed; a plain record is one an earlier version wrote, sealed at start-up.
 */
export type SecretRecord =
  { name: string; value: string } | { name: string; sealed: SealedValue; under: 'device' | 'passphrase' };

/** The browser's own key that seals secrets: a non-extractable WebCrypto key, stored as the object itself. */
export interface DeviceKeyRecord {
  id: string;
  key: CryptoKey;
  createdAt: number;
}

export const DB_NAME = 'tabflow';

/** The newest `version(n)` declared in `TabflowDb`. */
export const SCHEMA_VERSION = 9;

export class TabflowDb extends Dexie {
  workflows!: EntityTable<WorkflowRecord, 'id'>;
  settings!: EntityTable<SettingRecord, 'key'>;
  runs!: EntityTable<RunRecord, 'id'>;
  steps!: EntityTable<StepRecord, 'key'>;
  events!: EntityTable<EventRecord, 'id'>;
  definitions!: EntityTable<DefinitionRecord, 'hash'>;
  tableRows!: Table<TableRowRecord, [string, string]>;
  threads!: EntityTable<ThreadRecord, 'id'>;
  messages!: EntityTable<MessageRecord, 'id'>;
  secrets!: Table<SecretRecord, string>;
  deviceKeys!: EntityTable<DeviceKeyRecord, 'id'>;
  versions!: EntityTable<VersionRecord, 'id'>;
  batches!: EntityTable<BatchRecord, 'id'>;
  batchRows!: Table<BatchRowChunk, [string, number]>;
  batchCells!: EntityTable<BatchCellRecord, 'key'>;
  leases!: Table<LeaseRecord, [string, number]>;

  constructor(name: string = DB_NAME) {
    super(name);
    // Version 1 stays exactly as shipped: Dexie diffs each version against the previous one.
    this.version(1).stores({
      workflows: 'id, name, updatedAt, deletedAt',
      settings: 'key',
    });
    this.version(2)
      .stores({
        runs: 'id, status, workflowId, updatedAt, parentRunId',
        steps: 'key, [runId+seq], runId',
        events: 'id, runId',
        definitions: 'hash',
        tableRows: '[table+id], table',
        threads: 'id',
        messages: 'id, [threadId+seq]',
        secrets: 'name',
      })
      .upgrade(upgradeToVersion2);
    // Version 3: a run's messages can be listed (the run inspector shows its threads).
    this.version(3).stores({ messages: 'id, [threadId+seq], runId' });
    // Version 4: steps lose their `runId` index: `[runId+seq]` answers the same queries, and every
    // step checkpoint no longer pays for a second index entry.
    this.version(4).stores({ steps: 'key, [runId+seq]' });
    // Version 5: the device key that seals every secret; passphrase-sealed secrets say what sealed them.
    this.version(5).stores({ deviceKeys: 'id' }).upgrade(upgradeToVersion5);
    // Version 6: journal records say what they record (`kind`); a run lists typed waits, not a sentence.
    this.version(6).stores({}).upgrade(upgradeToVersion6);
    // Version 7: workflow versions, listed per workflow and found by the definition hash a run stores.
    this.version(7).stores({ versions: 'id, [workflowId+seq], definitionHash' }).upgrade(upgradeToVersion7);
    // Version 8: experiments (`src/store/batches.ts`): a batch, its rows a chunk a record, and its started cells.
    this.version(8).stores({
      batches: 'id, workflowId, createdAt',
      batchRows: '[batchId+rowIndex]',
      batchCells: 'key, [batchId+rowIndex], [batchId+status+rowIndex], runId',
    });
    // Version 9: each run's writer lease (`src/store/leases.ts`), so a step commit is fenced without reading its run.
    this.version(9).stores({ leases: '[runId+generation], &runId' });
  }
}

/**
 * Version 2 only adds tables. It also gives any workflow without numeric timestamps one:
 * a record missing `updatedAt` is absent from that index, so the library list would hide it.
 */
async function upgradeToVersion2(tx: Transaction): Promise<void> {
  const now = Date.now();
  await tx
    .table<Partial<WorkflowRecord>>('workflows')
    .toCollection()
    .modify((workflow) => {
      if (typeof workflow.createdAt !== 'number') workflow.createdAt = now;
      if (typeof workflow.updatedAt !== 'number') workflow.updatedAt = workflow.createdAt;
    });
}

/**
 * Secrets sealed by a passphrase before version 5 kept an empty `value` beside `sealed`; they now say
 * `under: 'passphrase'`. Plain ones stay as they are: sealing needs WebCrypto, which would end this
 * transaction, so the executor seals them at start-up (`sealPlaintextSecrets`).
 */
async function upgradeToVersion5(tx: Transaction): Promise<void> {
  await tx
    .table<Record<string, unknown>>('secrets')
    .toCollection()
    .modify((secret) => {
      if (secret.sealed === undefined || secret.under !== undefined) return;
      secret.under = 'passphrase';
      delete secret.value;
    });
}

/**
 * Step records gain `kind` (a model round, a tool call, else a workflow step). A run's `waitingFor`
 * sentence is dropped: the executor resumes every unfinished run at start-up and lists its waits
 * again. A run stopped by a full disk keeps saying so, as a `storage-full` wait.
 */
async function upgradeToVersion6(tx: Transaction): Promise<void> {
  await tx
    .table<Record<string, unknown>>('steps')
    .toCollection()
    .modify((step) => {
      if (step.kind === undefined)
        step.kind = recordKind(
          String(step.stepType),
          typeof step.parentKey === 'string' ? step.parentKey : undefined,
        ).kind;
    });
  await tx
    .table<Record<string, unknown>>('runs')
    .toCollection()
    .modify((run) => {
      delete run.waitingFor;
      const error = run.error as { category?: unknown } | undefined;
      if (run.status === 'paused' && error?.category === 'quota' && run.waits === undefined)
        run.waits = [{ kind: 'storage-full' }];
    });
}

/** The summary of the first version of a workflow saved before versions were kept. */
export const UPGRADED_VERSION_SUMMARY = 'as saved before version history began';

/** Every workflow (deleted ones too, so an undo finds theirs) gets version 1 from its current document. */
async function upgradeToVersion7(tx: Transaction): Promise<void> {
  const workflows = await tx.table<WorkflowRecord>('workflows').toArray();
  const versions: VersionRecord[] = workflows.map((workflow) => ({
    id: crypto.randomUUID(),
    workflowId: workflow.id,
    seq: 1,
    createdAt: workflow.updatedAt,
    updatedAt: workflow.updatedAt,
    doc: workflow.doc,
    // Synchronous: awaiting WebCrypto here would let the upgrade transaction commit early.
    definitionHash: definitionHashSync(workflow.doc),
    summary: UPGRADED_VERSION_SUMMARY,
    origin: 'import',
  }));
  await tx.table<VersionRecord>('versions').bulkAdd(versions);
  await tx
    .table<WorkflowRecord>('workflows')
    .toCollection()
    .modify((workflow) => {
      workflow.revision ??= 1;
    });
}

let shared: TabflowDb | undefined;

/** The app's database, opened once per JavaScript realm (page or worker). */
export function getDb(): TabflowDb {
  shared ??= new TabflowDb();
  return shared;
}
