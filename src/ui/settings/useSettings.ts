import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useState } from 'react';
import type { ProviderConfig, ProviderSettings } from '../../llm/providers';
import type { TabflowDb } from '../../store/db';
import { PROVIDERS_SETTING } from '../../worker/commands';
import { useDb } from '../DbContext';
import { useExecutor } from '../ExecutorContext';

export function useProviderSettings(): ProviderSettings | undefined {
  const db = useDb();
  return useLiveQuery(async () => ((await db.settings.get(PROVIDERS_SETTING))?.value as ProviderSettings | undefined) ?? { providers: [] }, [db]);
}

export async function saveProviderSettings(db: TabflowDb, settings: ProviderSettings): Promise<void> {
  await db.settings.put({ key: PROVIDERS_SETTING, value: settings });
}

/** Replaces (or adds) one entry; `makeDefault` marks it the default provider. */
export function withProvider(settings: ProviderSettings, entry: ProviderConfig, makeDefault: boolean): ProviderSettings {
  const exists = settings.providers.some((p) => p.id === entry.id);
  const providers = exists ? settings.providers.map((p) => (p.id === entry.id ? entry : p)) : [...settings.providers, entry];
  const next: ProviderSettings = { providers };
  const defaultId = makeDefault ? entry.id : settings.defaultProviderId;
  if (defaultId) next.defaultProviderId = defaultId;
  return next;
}

export type KeysState = { passphrase: boolean; unlocked: boolean; names: string[] };

/** The executor's key state (names only), refreshed after each change made here. */
export function useKeysState(): { state: KeysState | undefined; refresh(): void } {
  const executor = useExecutor();
  const [state, setState] = useState<KeysState>();
  const refresh = useCallback(() => {
    executor.keysState().then(setState, () => setState(undefined));
  }, [executor]);
  useEffect(refresh, [refresh]);
  return { state, refresh };
}

/** "gpt-4o-mini = llama3.2" lines ⇄ an alias map. */
export function parseAliases(text: string): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const [from, to] = line.split('=').map((part) => part.trim());
    if (from && to) aliases[from] = to;
  }
  return aliases;
}

export function formatAliases(aliases: Record<string, string> | undefined): string {
  return Object.entries(aliases ?? {}).map(([from, to]) => `${from} = ${to}`).join('\n');
}
