import { z } from 'zod';
import { DEFAULT_MAX_PARALLELISM, LIMITS } from '../schema/limits';
import { formatJsonPath } from '../schema/problems';
import type { TabflowDb } from './db';

/**
 * Every setting Tabflow stores, each with its schema and its default. The `settings` table is read
 * and written only through this module: a stored value that fails its schema reads as the default,
 * with a problem saying what is wrong, and stays stored until the user saves the setting again.
 */

const providerEntrySchema = z.object({
  id: z.string().min(1),
  /** Shown to the user and matched (case-insensitive) against a step's `provider`. */
  name: z.string(),
  /** `openai`: api.openai.com over the Responses API; `openai-compatible`: Chat Completions at `baseUrl`. */
  kind: z.enum(['openai', 'openai-compatible']),
  baseUrl: z.string().optional(),
  /** Used when a step names no model. */
  defaultModel: z.string().optional(),
  /** Step model → model served here, e.g. `{ "gpt-4o-mini": "llama3.2" }`. */
  aliases: z.record(z.string(), z.string()).optional(),
  requestsPerMinute: z.number().positive().optional(),
});

const sealedValueSchema = z.object({ iv: z.string(), data: z.string() });

/** Each key's schema and default (a function, so no caller can change a shared default). */
const SETTINGS = {
  /** Model providers as saved by Settings; their keys live in the secrets table, never here. */
  providers: {
    schema: z.object({ providers: z.array(providerEntrySchema), defaultProviderId: z.string().optional() }),
    fallback: () => ({ providers: [] }),
  },
  /** Steps in flight across all runs. */
  maxParallelism: { schema: z.number().int().min(1).max(LIMITS.concurrency), fallback: () => DEFAULT_MAX_PARALLELISM },
  /** The demo model's pace in tokens per second (a benchmark or a demo speeds it up); unset = its own pace. */
  demoTokensPerSecond: { schema: z.number().positive().optional(), fallback: () => undefined },
  /** The passphrase vault (salt, PBKDF2 iterations, a sealed check text); unset = no passphrase. */
  keyVault: {
    schema: z
      .object({ salt: z.string(), iterations: z.number().int().positive(), check: sealedValueSchema })
      .optional(),
    fallback: () => undefined,
  },
  /** Prices per model set by the user (USD per 1M tokens), ahead of the built-in dated table. */
  modelPrices: {
    schema: z.record(
      z.string().trim().min(1),
      z.object({ inputPer1M: z.number().min(0).finite(), outputPer1M: z.number().min(0).finite() }),
    ),
    fallback: (): Record<string, { inputPer1M: number; outputPer1M: number }> => ({}),
  },
  /** Set once the demo customers were seeded, so a user who emptied the table keeps it empty. */
  demoCustomersSeeded: { schema: z.boolean(), fallback: () => false },
  /**
   * Which finished runs are kept (src/store/retention.ts): the last `keepLastRuns` of each workflow and those
   * younger than `keepDays`. Neither set (the default): every run is kept.
   */
  retention: {
    schema: z.object({
      keepLastRuns: z.number().int().min(1).max(100_000).optional(),
      keepDays: z.number().positive().max(36_500).optional(),
    }),
    fallback: (): { keepLastRuns?: number; keepDays?: number } => ({}),
  },
  /** When persistent storage was asked for (`navigator.storage.persist()`) and whether the browser granted it. */
  storagePersistence: {
    schema: z.object({ askedAt: z.number(), granted: z.boolean() }).optional(),
    fallback: () => undefined,
  },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]['schema']>;
export type ProvidersSetting = SettingValue<'providers'>;
export type ProviderEntry = z.output<typeof providerEntrySchema>;
export type VaultMeta = NonNullable<SettingValue<'keyVault'>>;

/** A setting as read: its value, and why the stored value was not used when it was not. */
export interface SettingRead<K extends SettingKey> {
  value: SettingValue<K>;
  problem?: string;
}

/** A value refused before it is written: the message names the setting and the JSON path. */
export class SettingError extends Error {
  override name = 'SettingError';
}

/** At most this many schema issues are named in one problem. */
const ISSUES_SHOWN = 3;

function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, ISSUES_SHOWN).map((issue) => {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    return `${formatJsonPath(path)}: ${issue.message}`;
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

/** The setting `key` from its stored record (undefined when none is stored). Never throws. */
export function parseSetting<K extends SettingKey>(key: K, stored: { value: unknown } | undefined): SettingRead<K> {
  const { schema, fallback } = SETTINGS[key];
  if (stored === undefined) return { value: fallback() as SettingValue<K> };
  const parsed = schema.safeParse(stored.value);
  if (parsed.success) return { value: parsed.data as SettingValue<K> };
  const problem =
    `The saved setting "${key}" is not valid (${describeIssues(parsed.error)}), ` +
    'so its default is used until it is saved again.';
  return { value: fallback() as SettingValue<K>, problem };
}

export async function readSetting<K extends SettingKey>(db: TabflowDb, key: K): Promise<SettingRead<K>> {
  return parseSetting(key, await db.settings.get(key));
}

/** The value only, for callers that have nowhere to show a problem (the default stands in for a bad value). */
export async function settingValue<K extends SettingKey>(db: TabflowDb, key: K): Promise<SettingValue<K>> {
  return (await readSetting(db, key)).value;
}

/** Writes a setting after checking it against its schema; an undefined value removes it. */
export async function writeSetting<K extends SettingKey>(db: TabflowDb, key: K, value: SettingValue<K>): Promise<void> {
  const parsed = SETTINGS[key].schema.safeParse(value);
  if (!parsed.success) throw new SettingError(`the setting "${key}" cannot be saved: ${describeIssues(parsed.error)}`);
  if (parsed.data === undefined) await db.settings.delete(key);
  else await db.settings.put({ key, value: parsed.data });
}

export async function deleteSetting(db: TabflowDb, key: SettingKey): Promise<void> {
  await db.settings.delete(key);
}

// Host approvals: one key per workflow definition and host (in normal form), holding `true`.
const hostApprovalKey = (workflowHash: string, host: string) => `hostApproval:${workflowHash}:${host}`;

/** Whether the user allowed `host` for the workflow definition `workflowHash`; anything but `true` stored is no. */
export async function isHostApproved(db: TabflowDb, workflowHash: string, host: string): Promise<boolean> {
  return (await db.settings.get(hostApprovalKey(workflowHash, host)))?.value === true;
}

export async function approveHost(db: TabflowDb, workflowHash: string, host: string): Promise<void> {
  await db.settings.put({ key: hostApprovalKey(workflowHash, host), value: true });
}
