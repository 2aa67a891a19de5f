import Dexie from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import type { StepRecord, ThreadMessageRecord } from '../../engine/records';
import { collectScopes, objectField, type RawObject } from '../../schema/walk';
import { useDb } from '../DbContext';
import { indexPrimaryKeys } from '../runlist/indexKeys';

/** Reactive reads of the step inspector (Dexie liveQuery): the step's records, its definition, its thread. */

export interface InspectedStep {
  step: StepRecord;
  /** Its effects (model rounds `…/r1`, tool calls `…/r1/tool0`), in recording order. */
  effects: StepRecord[];
  /** For a loop or parallel step, the records of the steps inside it; empty for any other. */
  inside: StepRecord[];
}

/**
 * The selected step with what the inspector shows of it. Effects are read by key prefix (an effect's key is
 * its step's key, a slash and a name); only a container reads the rest of the journal, for its children.
 */
export function useInspectedStep(runId: string, stepKey: string | null): InspectedStep | undefined {
  const db = useDb();
  return useLiveQuery(async () => {
    if (stepKey === null) return undefined;
    const step = (await db.steps.get(stepKey)) as StepRecord | undefined;
    if (!step || step.runId !== runId || step.kind !== 'step') return undefined;
    const effects = ((await db.steps.where('key').startsWith(`${stepKey}/`).toArray()) as StepRecord[]).sort(
      (a, b) => a.seq - b.seq,
    );
    const container = step.stepType === 'loop' || step.stepType === 'parallel';
    const inside = container ? await recordsInside(db, step) : [];
    return { step, effects, inside };
  }, [db, runId, stepKey]);
}

/**
 * What a container holds is recorded after it: the journal's keys from its `seq` on are read (keys only, the
 * records stay on disk), and only the records whose path is inside it (`each[2]…` for a loop's iterations,
 * `fan.risk…` for a parallel step's branches, from the key `runId:slug@path`).
 */
async function recordsInside(db: ReturnType<typeof useDb>, container: StepRecord): Promise<StepRecord[]> {
  const prefix = container.path ? `${container.path}/${container.slug}` : container.slug;
  const { runId, seq } = container;
  // The count subscribes the live query to what is recorded after the container (keys read natively are not noted).
  await db.steps.where('[runId+seq]').between([runId, seq], [runId, Dexie.maxKey]).count();
  const later = await indexPrimaryKeys(db, 'steps', '[runId+seq]', IDBKeyRange.bound([runId, seq], [runId, Infinity]));
  const slugAt = runId.length + 1;
  const inside = later.filter((key) => {
    const path = key.slice(key.indexOf('@', slugAt) + 1);
    return path.startsWith(`${prefix}[`) || path.startsWith(`${prefix}.`);
  });
  const records = (await db.steps.bulkGet(inside)) as Array<StepRecord | undefined>;
  return records.filter((r): r is StepRecord => r?.kind === 'step');
}

export type StepConfig = { status: 'loading' } | { status: 'ready'; config: RawObject | undefined };

/** The `config` of the step `slug` in the definition a run started with (undefined: the definition lacks it). */
export function useStepConfig(workflowHash: string, slug: string): StepConfig {
  const db = useDb();
  return useLiveQuery(
    async (): Promise<StepConfig> => {
      const record = await db.definitions.get(workflowHash);
      for (const scope of collectScopes(record?.definition.stepsConfig, []))
        for (const site of scope.sites)
          if (site.slug === slug) return { status: 'ready', config: objectField(site.raw, 'config') ?? {} };
      return { status: 'ready', config: undefined };
    },
    [db, workflowHash, slug],
    LOADING,
  );
}

const LOADING = { status: 'loading' } as const;

/** A thread's messages in order (one range query on [threadId+seq]); none for no thread. */
export function useThreadMessages(threadId: string | undefined): ThreadMessageRecord[] | undefined {
  const db = useDb();
  return useLiveQuery(
    async () =>
      threadId === undefined
        ? []
        : ((await db.messages
            .where('[threadId+seq]')
            .between([threadId, Dexie.minKey], [threadId, Dexie.maxKey])
            .toArray()) as unknown as ThreadMessageRecord[]),
    [db, threadId],
  );
}
