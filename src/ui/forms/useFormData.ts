import Dexie from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import { FINISHED_RUN_STATUSES, type RunRecord } from '../../engine/records';
import type { TabflowDb } from '../../store/db';
import { secretNames, workflowSecretName } from '../../store/keyVault';
import { listTables } from '../../store/tableImport';
import { listWorkflows } from '../../store/workflows';
import { useDb } from '../DbContext';
import { useSetting } from '../settings/useSettings';

/** What the forms read from the database: the last run, model and secret names, tables, workflows. */

export type LastRun =
  | { status: 'loading' }
  | { status: 'none' }
  | { status: 'ready'; run: RunRecord; outputs: Record<string, unknown>; triggerData: unknown };

const LOADING = { status: 'loading' } as const;
const NONE = { status: 'none' } as const;

/**
 * The newest finished run of the workflow and the completed output of each of its steps (the first one
 * recorded). Two queries: run updates (one per step of a run in flight) re-read only the runs, and a
 * finished run's journal, which no longer changes, is read once.
 */
export function useLastRun(workflowId: string | undefined): LastRun {
  const db = useDb();
  // An id, not the record: a re-read of the runs table gives the same value, so nothing downstream re-runs.
  const runId = useLiveQuery(async (): Promise<string | null> => {
    if (workflowId === undefined) return null;
    const runs = await db.runs.where('workflowId').equals(workflowId).toArray();
    const finished = runs.filter((r) => FINISHED_RUN_STATUSES.has(r.status));
    return finished.sort((a, b) => b.createdAt - a.createdAt)[0]?.id ?? null;
  }, [db, workflowId]);
  const data = useLiveQuery(() => (runId ? runData(db, runId) : undefined), [db, runId]);
  return useMemo((): LastRun => {
    if (runId === undefined) return LOADING;
    if (runId === null) return NONE;
    if (data === undefined || (data !== null && data.run.id !== runId)) return LOADING;
    return data === null ? NONE : { status: 'ready', ...data };
  }, [runId, data]);
}

/** A finished run and the first completed output of each of its steps (null when it was deleted). */
async function runData(db: TabflowDb, runId: string) {
  const run = await db.runs.get(runId);
  if (!run) return null;
  const records = await db.steps.where('[runId+seq]').between([runId, Dexie.minKey], [runId, Dexie.maxKey]).toArray();
  const outputs = new Map<string, unknown>();
  let triggerData: unknown;
  for (const record of records) {
    if (record.kind !== 'step' || record.status !== 'completed' || outputs.has(record.slug)) continue;
    outputs.set(record.slug, record.output);
    if (record.stepType === 'trigger' && triggerData === undefined) triggerData = record.output;
  }
  // fromEntries defines own properties: a step slugged "__proto__" stays data.
  return { run, outputs: Object.fromEntries(outputs), triggerData };
}

/** Names of the secrets stored in this browser (names only: a value is never read here); undefined while loading. */
export function useStoredSecretNames(): string[] | undefined {
  const db = useDb();
  const names = useLiveQuery(() => secretNames(db), [db]);
  return useMemo(() => {
    const prefix = workflowSecretName('');
    return names?.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  }, [names]);
}

export interface ModelOption {
  value: string;
  detail: string;
}

/** The offline demo model answers any model name when no provider is usable; `demo` names it outright. */
const DEMO_OPTIONS: ModelOption[] = [{ value: 'demo', detail: 'offline demo model (no key needed)' }];

/** Models of the configured providers (default models, aliases and what they map to) and the demo model. */
export function useModelOptions(): { models: ModelOption[]; providers: ModelOption[] } {
  const setting = useSetting('providers');
  return useMemo(() => {
    const models = new Map<string, string>();
    const providers: ModelOption[] = [];
    for (const provider of setting?.value.providers ?? []) {
      providers.push({ value: provider.name, detail: provider.kind === 'openai' ? 'OpenAI' : 'OpenAI-compatible' });
      if (provider.defaultModel) models.set(provider.defaultModel, `default model of ${provider.name}`);
      for (const [alias, target] of Object.entries(provider.aliases ?? {})) {
        models.set(alias, `alias on ${provider.name} for ${target}`);
        if (!models.has(target)) models.set(target, `served by ${provider.name}`);
      }
    }
    for (const option of DEMO_OPTIONS) if (!models.has(option.value)) models.set(option.value, option.detail);
    providers.push({ value: 'demo', detail: 'the offline demo model' });
    return { models: [...models].map(([value, detail]) => ({ value, detail })), providers };
  }, [setting]);
}

export function useTableNames(): string[] {
  const db = useDb();
  const tables = useLiveQuery(() => listTables(db), [db]);
  return useMemo(() => (tables ?? []).map((t) => t.name), [tables]);
}

export function useWorkflowNames(): string[] {
  const db = useDb();
  const workflows = useLiveQuery(() => listWorkflows(db), [db]);
  return useMemo(() => (workflows ?? []).map((w) => w.name), [workflows]);
}
