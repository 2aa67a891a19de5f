import Dexie, { type EntityTable } from 'dexie';
import type { WorkflowFile } from '../schema/workflow';

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
}

export interface SettingRecord {
  key: string;
  value: unknown;
}

export const DB_NAME = 'tabflow';

export class TabflowDb extends Dexie {
  workflows!: EntityTable<WorkflowRecord, 'id'>;
  settings!: EntityTable<SettingRecord, 'key'>;

  constructor(name: string = DB_NAME) {
    super(name);
    this.version(1).stores({
      workflows: 'id, name, updatedAt, deletedAt',
      settings: 'key',
    });
  }
}

let shared: TabflowDb | undefined;

/** The app's database, opened once per JavaScript realm (page or worker). */
export function getDb(): TabflowDb {
  shared ??= new TabflowDb();
  return shared;
}
