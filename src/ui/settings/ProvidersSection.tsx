import { useEffect, useRef, useState, type FormEvent } from 'react';
import { providerKeyName } from '../../store/keyVault';
import type { ProviderEntry, ProvidersSetting } from '../../store/settings';
import { useDb } from '../DbContext';
import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';
import {
  formatAliases,
  parseAliases,
  saveProviderSettings,
  useKeysState,
  useSetting,
  withProvider,
} from './useSettings';
import { errorMessage } from '../../schema/errorMessage';

/** Model providers: OpenAI and OpenAI-compatible entries, each with its key, default model and aliases. */
export function ProvidersSection({ openAt }: { openAt?: string | undefined }) {
  const db = useDb();
  const stored = useSetting('providers');
  const keys = useKeysState();
  const executor = useExecutor();
  const [editing, setEditing] = useState<ProviderEntry | 'new' | null>(null);
  const [checks, setChecks] = useState<Record<string, { ok: boolean; message: string }>>({});
  const [sectionRef, focusAfterEdit] = useFocusAfterEdit(editing);
  useOpenAt(openAt, stored?.value, setEditing);
  if (!stored) return null;
  const settings = stored.value;
  const test = (id: string) =>
    executor.testProvider(id).then(
      (r) => setChecks((c) => ({ ...c, [id]: r })),
      (e: unknown) => setChecks((c) => ({ ...c, [id]: { ok: false, message: errorMessage(e) } })),
    );
  const remove = async (id: string) => {
    const providers = settings.providers.filter((p) => p.id !== id);
    await saveProviderSettings(db, settings.defaultProviderId === id ? { providers } : { ...settings, providers });
    await executor.saveSecret(providerKeyName(id), '');
    keys.refresh();
  };
  return (
    <section className="settings-section" aria-label="Model providers" ref={sectionRef}>
      <h3>Model providers</h3>
      {stored.problem && (
        <p className="form-error" role="status">
          {stored.problem}
        </p>
      )}
      {settings.providers.length === 0 && (
        <p className="muted">
          None yet: LLM steps run on the offline demo model. Add OpenAI, or any OpenAI-compatible server (Ollama, LM
          Studio, OpenRouter, Groq, vLLM).
        </p>
      )}
      <ul className="provider-list">
        {settings.providers.map((p) => (
          <li key={p.id} className="provider-item" data-provider-name={p.name} data-provider-id={p.id}>
            <div>
              <strong>{p.name}</strong>
              {settings.defaultProviderId === p.id && <span className="badge">default</span>}
              <span className="muted">
                {' '}
                {p.kind === 'openai' ? 'OpenAI' : `OpenAI-compatible · ${p.baseUrl ?? ''}`}
                {p.defaultModel ? ` · ${p.defaultModel}` : ''} ·{' '}
                {keys.state?.names.includes(providerKeyName(p.id)) ? 'key saved' : 'no key'}
              </span>
            </div>
            <div className="toolbar">
              <button type="button" className="button button-small" onClick={() => void test(p.id)}>
                Test connection
              </button>
              <button type="button" className="button button-small" onClick={() => setEditing(p)}>
                Edit
              </button>
              <button type="button" className="button button-small" onClick={() => void remove(p.id)}>
                Remove
              </button>
            </div>
            {checks[p.id] && (
              <p role="status" className={checks[p.id]!.ok ? 'check-ok' : 'form-error'}>
                {checks[p.id]!.message}
              </p>
            )}
          </li>
        ))}
      </ul>
      {editing ? (
        <ProviderForm
          entry={editing === 'new' ? undefined : editing}
          isDefault={editing !== 'new' && settings.defaultProviderId === editing.id}
          hasKey={editing !== 'new' && !!keys.state?.names.includes(providerKeyName(editing.id))}
          focusKey={openAt !== undefined}
          onDone={(savedId) => {
            focusAfterEdit(savedId ?? (editing === 'new' ? undefined : editing.id));
            setEditing(null);
            keys.refresh();
          }}
        />
      ) : (
        <button type="button" className="button" onClick={() => setEditing('new')}>
          Add provider
        </button>
      )}
    </section>
  );
}

/**
 * Where focus goes when the provider form closes: the saved entry's "Test connection" (the next thing to do),
 * else "Add provider". Never the page body, which would leave Escape nowhere to close Settings from.
 */
function useFocusAfterEdit(editing: unknown) {
  const section = useRef<HTMLElement>(null);
  const target = useRef<{ id: string | undefined } | null>(null);
  useEffect(() => {
    if (editing !== null || !target.current) return;
    const root = section.current;
    const { id } = target.current;
    const item = [...(root?.querySelectorAll<HTMLElement>('[data-provider-id]') ?? [])].find(
      (el) => el.dataset.providerId === id,
    );
    // A new entry shows once its setting is read back: "Add provider" holds focus until then.
    const button =
      item?.querySelector<HTMLElement>('button') ??
      [...(root?.querySelectorAll<HTMLElement>('button') ?? [])].find((b) => b.textContent === 'Add provider');
    if (item || id === undefined) target.current = null;
    if (button && document.activeElement !== button) button.focus();
  });
  const focusAfter = (id: string | undefined) => void (target.current = { id });
  return [section, focusAfter] as const;
}

/** Opens the form of the provider Settings was opened for (by name; '' = the default), once it has loaded. */
function useOpenAt(
  openAt: string | undefined,
  settings: ProvidersSetting | undefined,
  open: (entry: ProviderEntry) => void,
) {
  const done = useRef(false);
  useEffect(() => {
    if (done.current || openAt === undefined || !settings) return;
    done.current = true;
    const wanted = openAt.trim().toLowerCase();
    const { providers, defaultProviderId } = settings;
    // As the model runner picks it: by id or name, else the default entry, else the first.
    const entry =
      providers.find((p) => wanted && (p.id.toLowerCase() === wanted || p.name.trim().toLowerCase() === wanted)) ??
      providers.find((p) => p.id === defaultProviderId) ??
      providers[0];
    if (entry) open(entry);
  }, [openAt, settings, open]);
}

function ProviderForm({
  entry,
  isDefault,
  hasKey,
  focusKey,
  onDone,
}: {
  entry: ProviderEntry | undefined;
  isDefault: boolean;
  hasKey: boolean;
  /** Settings was opened to fix this entry's key: the key field gets focus. */
  focusKey: boolean;
  onDone(savedId?: string): void;
}) {
  const db = useDb();
  const executor = useExecutor();
  const showToast = useUi((s) => s.showToast);
  const settings = useSetting('providers')?.value;
  const [form, setForm] = useState({
    name: entry?.name ?? '',
    kind: entry?.kind ?? 'openai-compatible',
    baseUrl: entry?.baseUrl ?? '',
    key: '',
    defaultModel: entry?.defaultModel ?? '',
    aliases: formatAliases(entry?.aliases),
    rpm: entry?.requestsPerMinute ? String(entry.requestsPerMinute) : '',
    makeDefault: isDefault || !settings?.providers.length,
  });
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const keyField = useRef<HTMLInputElement>(null);
  const nameField = useRef<HTMLInputElement>(null);
  useEffect(() => (focusKey ? keyField : nameField).current?.focus(), [focusKey]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!form.name.trim()) return setError('the provider needs a name');
    if (form.kind === 'openai-compatible' && !/^https?:\/\//.test(form.baseUrl.trim()))
      return setError('Base URL must start with http:// or https://');
    const config: ProviderEntry = {
      id: entry?.id ?? crypto.randomUUID(),
      name: form.name.trim(),
      kind: form.kind as ProviderEntry['kind'],
    };
    if (form.baseUrl.trim()) config.baseUrl = form.baseUrl.trim();
    if (form.defaultModel.trim()) config.defaultModel = form.defaultModel.trim();
    const aliases = parseAliases(form.aliases);
    if (Object.keys(aliases).length) config.aliases = aliases;
    if (Number(form.rpm) > 0) config.requestsPerMinute = Math.floor(Number(form.rpm));
    try {
      // The key goes to the executor only; it is never part of the provider settings.
      if (form.key) await executor.saveSecret(providerKeyName(config.id), form.key);
      await saveProviderSettings(db, withProvider(settings ?? { providers: [] }, config, form.makeDefault));
      showToast({ message: `Saved provider “${config.name}”`, tone: 'success' });
      onDone(config.id);
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <form className="run-form provider-form" onSubmit={(e) => void save(e)} aria-label="Provider">
      <label className="field">
        <span className="field-label">Name</span>
        <input ref={nameField} value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder="Ollama" />
      </label>
      <label className="field">
        <span className="field-label">Kind</span>
        <select value={form.kind} onChange={(e) => set({ kind: e.target.value as ProviderEntry['kind'] })}>
          <option value="openai">OpenAI</option>
          <option value="openai-compatible">OpenAI-compatible (Chat Completions)</option>
        </select>
      </label>
      <label className="field">
        <span className="field-label">Base URL</span>
        <input
          value={form.baseUrl}
          onChange={(e) => set({ baseUrl: e.target.value })}
          placeholder={form.kind === 'openai' ? 'https://api.openai.com/v1 (default)' : 'http://localhost:11434/v1'}
        />
      </label>
      <label className="field">
        <span className="field-label">API key</span>
        <input
          ref={keyField}
          type="password"
          autoComplete="off"
          value={form.key}
          onChange={(e) => set({ key: e.target.value })}
          placeholder={hasKey ? '•••••••• saved (type to replace)' : form.kind === 'openai' ? 'sk-…' : 'optional'}
        />
      </label>
      <label className="field">
        <span className="field-label">Default model</span>
        <input
          value={form.defaultModel}
          onChange={(e) => set({ defaultModel: e.target.value })}
          placeholder="gpt-4o-mini, llama3.2…"
        />
      </label>
      <label className="field">
        <span className="field-label">Model aliases (one per line: workflow model = model here)</span>
        <textarea
          rows={2}
          value={form.aliases}
          onChange={(e) => set({ aliases: e.target.value })}
          placeholder="gpt-4o-mini = llama3.2"
        />
      </label>
      <label className="field">
        <span className="field-label">Requests per minute (optional)</span>
        <input type="number" min={1} value={form.rpm} onChange={(e) => set({ rpm: e.target.value })} />
      </label>
      <label className="field-inline">
        <input type="checkbox" checked={form.makeDefault} onChange={(e) => set({ makeDefault: e.target.checked })} />
        <span>Default provider</span>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={() => onDone()}>
          Cancel
        </button>
        <button type="submit" className="button button-primary">
          Save provider
        </button>
      </div>
    </form>
  );
}
