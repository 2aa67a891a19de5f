import { BaseCheckpointSaver, type CheckpointTuple } from '@langchain/langgraph/web';
import { commit, read, readAll, type PeerDb } from './idb';

/**
 * A LangGraph.js checkpoint saver over IndexedDB, written as a user of the library would, one commit per node:
 * a task's writes (`putWrites`) are kept until the next checkpoint, and each `put` writes that checkpoint, its
 * metadata and the writes kept so far in one readwrite transaction. Checkpoints are keyed `[thread, namespace,
 * id]` (ids sort by time), writes by checkpoint, task and index.
 */

type Config = Parameters<BaseCheckpointSaver['getTuple']>[0];
type PutArgs = Parameters<BaseCheckpointSaver['put']>;
type WritesArg = Parameters<BaseCheckpointSaver['putWrites']>[1];
type ListOptions = Parameters<BaseCheckpointSaver['list']>[1];

interface StoredCheckpoint {
  thread: string;
  ns: string;
  id: string;
  parentId: string | undefined;
  type: string;
  checkpoint: Uint8Array;
  metadataType: string;
  metadata: Uint8Array;
}

interface StoredWrite {
  thread: string;
  ns: string;
  checkpointId: string;
  taskId: string;
  idx: number;
  channel: string;
  type: string;
  value: Uint8Array;
}

export const SAVER_STORES = {
  checkpoints: ['thread', 'ns', 'id'],
  writes: ['thread', 'ns', 'checkpointId', 'taskId', 'idx'],
};

const LAST = '\uffff';

function address(config: Config): { thread: string; ns: string; id: string | undefined } {
  const thread = config.configurable?.thread_id;
  if (typeof thread !== 'string') throw new Error('the saver needs configurable.thread_id');
  return { thread, ns: config.configurable?.checkpoint_ns ?? '', id: config.configurable?.checkpoint_id };
}

export class IndexedDbSaver extends BaseCheckpointSaver {
  /** Writes of tasks whose next checkpoint is not stored yet: they commit with it. */
  private unsaved: StoredWrite[] = [];

  constructor(private readonly peer: PeerDb) {
    super();
  }

  async getTuple(config: Config): Promise<CheckpointTuple | undefined> {
    const { thread, ns, id } = address(config);
    const stored = await read<StoredCheckpoint | undefined>(this.peer, 'checkpoints', (store) =>
      id !== undefined
        ? store.get([thread, ns, id])
        : (store.getAll(IDBKeyRange.bound([thread, ns, ''], [thread, ns, LAST])) as IDBRequest),
    ).then((found) => (Array.isArray(found) ? (found as StoredCheckpoint[]).at(-1) : found));
    return stored && this.toTuple(stored);
  }

  async *list(config: Config, options?: ListOptions): AsyncGenerator<CheckpointTuple> {
    const { thread, ns } = address(config);
    const all = await readAll<StoredCheckpoint>(
      this.peer,
      'checkpoints',
      IDBKeyRange.bound([thread, ns, ''], [thread, ns, LAST]),
    );
    const before = options?.before?.configurable?.checkpoint_id as string | undefined;
    let left = options?.limit ?? Infinity;
    for (const stored of all.reverse()) {
      if (left <= 0) return;
      if (before !== undefined && stored.id >= before) continue;
      const tuple = await this.toTuple(stored);
      const filter = options?.filter ?? {};
      if (!Object.entries(filter).every(([key, value]) => (tuple.metadata as Record<string, unknown>)[key] === value))
        continue;
      left--;
      yield tuple;
    }
  }

  async put(...[config, checkpoint, metadata]: PutArgs): Promise<Config> {
    const { thread, ns, id: parentId } = address(config);
    const [[type, body], [metadataType, meta]] = await Promise.all([
      this.serde.dumpsTyped(checkpoint),
      this.serde.dumpsTyped(metadata),
    ]);
    const record: StoredCheckpoint = {
      thread,
      ns,
      id: checkpoint.id,
      parentId,
      type,
      checkpoint: body,
      metadataType,
      metadata: meta,
    };
    const writes = this.unsaved;
    this.unsaved = [];
    await commit(this.peer, ['checkpoints', 'writes'], (tx) => {
      tx.objectStore('checkpoints').put(record);
      for (const write of writes) tx.objectStore('writes').put(write);
    });
    return { configurable: { thread_id: thread, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
  }

  async putWrites(config: Config, writes: WritesArg, taskId: string): Promise<void> {
    const { thread, ns, id } = address(config);
    if (id === undefined) throw new Error('the saver needs configurable.checkpoint_id to store writes');
    const records: StoredWrite[] = await Promise.all(
      writes.map(async ([channel, value], idx) => {
        const [type, body] = await this.serde.dumpsTyped(value);
        return { thread, ns, checkpointId: id, taskId, idx, channel, type, value: body };
      }),
    );
    this.unsaved.push(...records);
  }

  async deleteThread(threadId: string): Promise<void> {
    await commit(this.peer, ['checkpoints', 'writes'], (tx) => {
      tx.objectStore('checkpoints').delete(IDBKeyRange.bound([threadId], [threadId, LAST]));
      tx.objectStore('writes').delete(IDBKeyRange.bound([threadId], [threadId, LAST]));
    });
  }

  private async toTuple(stored: StoredCheckpoint): Promise<CheckpointTuple> {
    const { thread, ns, id } = stored;
    const writes = await readAll<StoredWrite>(
      this.peer,
      'writes',
      IDBKeyRange.bound([thread, ns, id], [thread, ns, id, LAST]),
    );
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: thread, checkpoint_ns: ns, checkpoint_id: id } },
      checkpoint: await this.serde.loadsTyped(stored.type, stored.checkpoint),
      metadata: await this.serde.loadsTyped(stored.metadataType, stored.metadata),
      pendingWrites: await Promise.all(
        writes.map(
          async (w) => [w.taskId, w.channel, await this.serde.loadsTyped(w.type, w.value)] as [string, string, unknown],
        ),
      ),
    };
    if (stored.parentId !== undefined)
      tuple.parentConfig = { configurable: { thread_id: thread, checkpoint_ns: ns, checkpoint_id: stored.parentId } };
    return tuple;
  }
}
