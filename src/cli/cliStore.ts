import { MemoryStore } from '../engine/memoryStore';
import type { EngineStore, TableRow } from '../engine/store';
import type { WorkflowFile } from '../schema/workflow';
import { FileStore } from './fileStore';

/** What `tabflow run` needs of a store beyond the engine's port: seed tables, import a bundle's definitions, close. */
export interface CliStore extends EngineStore {
  /** Nothing was stored before this process: the demo tables are seeded. */
  readonly created: boolean;
  seedTable(table: string, rows: readonly TableRow[]): void;
  importDefinition(hash: string, definition: WorkflowFile, parsed: boolean): void;
  close(): void;
}

/** `--store memory` (the default): nothing outlives the process. */
export class MemoryCliStore extends MemoryStore implements CliStore {
  readonly created = true;

  seedTable(table: string, rows: readonly TableRow[]): void {
    for (const row of rows) this.data.table(table).set(row.id, structuredClone(row));
  }

  importDefinition(hash: string, definition: WorkflowFile, parsed: boolean): void {
    if (!this.data.definitions.has(hash)) this.data.definitions.set(hash, { definition, parsed });
  }

  close(): void {}
}

export type StoreSpec = { kind: 'memory' } | { kind: 'file'; dir: string };

/** `memory` or `file:<dir>`; anything else is named. */
export function parseStoreSpec(value: string | undefined): StoreSpec | { kind: 'invalid'; message: string } {
  if (value === undefined || value === 'memory') return { kind: 'memory' };
  if (value.startsWith('file:') && value.length > 'file:'.length) return { kind: 'file', dir: value.slice(5) };
  return { kind: 'invalid', message: `--store must be "memory" or "file:<directory>" (got "${value.slice(0, 80)}")` };
}

export function openStore(spec: StoreSpec): CliStore {
  return spec.kind === 'memory' ? new MemoryCliStore() : FileStore.open(spec.dir);
}
