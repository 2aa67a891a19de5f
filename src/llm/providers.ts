/**
 * Provider configuration as this folder reads it — plain data, typed structurally here; the stored
 * shape and its schema are the `providers` setting in src/store/settings.ts, which the worker passes
 * in — and the pure choice of which entry and which model answer a step. Keys are never part of this
 * data (they live in the key store).
 */
import { DEMO_PROVIDER } from './demo/model';

export interface ProviderConfig {
  id: string;
  /** Shown to the user and matched (case-insensitive) against a step's `provider`. */
  name: string;
  /** `openai`: api.openai.com over the Responses API; `openai-compatible`: Chat Completions at `baseUrl`. */
  kind: 'openai' | 'openai-compatible';
  /** e.g. `http://localhost:11434/v1`; optional for `openai` (defaults to api.openai.com). */
  baseUrl?: string;
  /** Used when a step names no model. */
  defaultModel?: string;
  /** Step model → model served here, e.g. `{ "gpt-4o-mini": "llama3.2" }` for an imported workflow. */
  aliases?: Record<string, string>;
  /** Client-side request budget; undefined = no limit. */
  requestsPerMinute?: number;
}

export interface ProviderSettings {
  providers: ProviderConfig[];
  defaultProviderId?: string;
}

export type ResolvedProvider =
  | { kind: 'configured'; provider: ProviderConfig; model: string; note?: string }
  | { kind: 'demo'; model: string; note: string };

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
const DEMO_NOTE = 'used the offline demo model';
/** A step may name the demo model as its provider; an entry called "demo" still wins. */

/** The entry a step asked for by name or id, case-insensitive. */
export function findProvider(settings: ProviderSettings, nameOrId: string): ProviderConfig | undefined {
  const wanted = nameOrId.trim().toLowerCase();
  return settings.providers.find((p) => p.id.toLowerCase() === wanted || p.name.trim().toLowerCase() === wanted);
}

/** The default entry: the one marked default, else the only or first entry. */
export function defaultProvider(settings: ProviderSettings): ProviderConfig | undefined {
  const marked = settings.providers.find((p) => p.id === settings.defaultProviderId);
  return marked ?? settings.providers[0];
}

/** Where requests for this entry go, without a trailing slash. */
export function providerBaseUrl(provider: ProviderConfig): string | undefined {
  const url = provider.baseUrl?.trim() || (provider.kind === 'openai' ? OPENAI_BASE_URL : undefined);
  return url?.replace(/\/+$/, '');
}

/** The step's model through the entry's aliases (exact, then case-insensitive), else the entry's default. */
export function resolveModel(provider: ProviderConfig, stepModel: string): string | undefined {
  const model = stepModel.trim();
  if (!model) return provider.defaultModel?.trim() || undefined;
  const aliases = provider.aliases ?? {};
  const exact = aliases[model];
  if (exact) return exact;
  const lower = model.toLowerCase();
  const match = Object.entries(aliases).find(([from]) => from.toLowerCase() === lower);
  return match?.[1] || model;
}

/**
 * Which entry and model answer a step. Every fallback carries a note the step shows, so a run on the
 * demo model (or on another provider than the one named) is never silent.
 */
export function resolveProvider(
  settings: ProviderSettings,
  stepProvider: string | undefined,
  stepModel: string,
  hasKey: (providerId: string) => boolean,
): ResolvedProvider {
  const demoModel = stepModel.trim() || 'demo';
  const named = stepProvider?.trim() ? findProvider(settings, stepProvider) : undefined;
  if (!named && stepProvider?.trim().toLowerCase() === DEMO_PROVIDER) {
    return { kind: 'demo', model: demoModel, note: 'the step asked for the offline demo model' };
  }
  const fallback = named ? undefined : defaultProvider(settings);
  const provider = named ?? fallback;
  if (!provider) {
    const note = stepProvider?.trim()
      ? `no provider named "${stepProvider.trim()}" and none configured: ${DEMO_NOTE}`
      : `no provider configured: ${DEMO_NOTE}`;
    return { kind: 'demo', model: demoModel, note };
  }
  const fellBack =
    stepProvider?.trim() && !named
      ? `no provider named "${stepProvider.trim()}": used the default provider "${provider.name}"`
      : undefined;
  const unusable = unusableReason(provider, hasKey);
  if (unusable) return { kind: 'demo', model: demoModel, note: joinNotes(fellBack, `${unusable}: ${DEMO_NOTE}`) };
  const model = resolveModel(provider, stepModel);
  if (!model)
    return {
      kind: 'demo',
      model: demoModel,
      note: joinNotes(fellBack, `no model named for "${provider.name}": ${DEMO_NOTE}`),
    };
  return fellBack ? { kind: 'configured', provider, model, note: fellBack } : { kind: 'configured', provider, model };
}

/**
 * `resolveProvider` with the chosen entry's key looked up once (`readKey` gives undefined when there
 * is none): an entry that needs a missing key falls back exactly as `resolveProvider` says.
 */
export async function resolveWithKey<K>(
  settings: ProviderSettings,
  stepProvider: string | undefined,
  stepModel: string,
  readKey: (providerId: string) => Promise<K | undefined>,
): Promise<{ resolved: ResolvedProvider; key: K | undefined }> {
  const candidate = resolveProvider(settings, stepProvider, stepModel, () => true);
  const key = candidate.kind === 'configured' ? await readKey(candidate.provider.id) : undefined;
  return {
    resolved: key !== undefined ? candidate : resolveProvider(settings, stepProvider, stepModel, () => false),
    key,
  };
}

/** Why an entry cannot answer at all, or undefined when it can. */
function unusableReason(provider: ProviderConfig, hasKey: (providerId: string) => boolean): string | undefined {
  if (provider.kind === 'openai' && !hasKey(provider.id)) return `the API key for "${provider.name}" is missing`;
  if (!providerBaseUrl(provider)) return `"${provider.name}" has no base URL`;
  return undefined;
}

function joinNotes(first: string | undefined, second: string): string {
  return first ? `${first}; ${second}` : second;
}
