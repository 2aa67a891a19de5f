import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useState } from 'react';
import type { TabflowDb } from '../../store/db';
import {
  readSetting,
  writeSetting,
  type ProviderEntry,
  type ProvidersSetting,
  type SettingKey,
  type SettingRead,
} from '../../store/settings';
import { useDb } from '../DbContext';
import { useExecutor } from '../ExecutorContext';

/** A setting, live: its value and what is wrong with the stored one, if anything (undefined while loading). */
export function useSetting<K extends SettingKey>(key: K): SettingRead<K> | undefined {
  const db = useDb();
  return useLiveQuery(() => readSetting(db, key), [db, key]);
}

export async function saveProviderSettings(db: TabflowDb, settings: ProvidersSetting): Promise<void> {
  await writeSetting(db, 'providers', settings);
}

/** Replaces (or adds) one entry; `makeDefault` marks it the default provider. */
export function withProvider(settings: ProvidersSetting, entry: ProviderEntry, makeDefault: boolean): ProvidersSetting {
  const exists = settings.providers.some((p) => p.id === entry.id);
  const providers = exists
    ? settings.providers.map((p) => (p.id === entry.id ? entry : p))
    : [...settings.providers, entry];
  const next: ProvidersSetting = { providers };
  const defaultId = makeDefault ? entry.id : settings.defaultProviderId;
  if (defaultId) next.defaultProviderId = defaultId;
  return next;
}

export type KeysState = { passphrase: boolean; unlocked: boolean; names: string[] };

/**
 * Key changes made by any section: every `useKeysState` reads again, so the providers list says "no key"
 * the moment the keys section forgets them.
 */
const keysChanged = new EventTarget();

/** The executor's key state (names only), read again after each change made in Settings. */
export function useKeysState(): { state: KeysState | undefined; refresh(): void } {
  const executor = useExecutor();
  const [state, setState] = useState<KeysState>();
  useEffect(() => {
    let live = true;
    const read = () =>
      executor.keysState().then(
        (s) => live && setState(s),
        () => live && setState(undefined),
      );
    read();
    keysChanged.addEventListener('change', read);
    return () => {
      live = false;
      keysChanged.removeEventListener('change', read);
    };
  }, [executor]);
  const refresh = useCallback(() => void keysChanged.dispatchEvent(new Event('change')), []);
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
  return Object.entries(aliases ?? {})
    .map(([from, to]) => `${from} = ${to}`)
    .join('\n');
}
