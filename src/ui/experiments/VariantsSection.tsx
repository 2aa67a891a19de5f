import { useLiveQuery } from 'dexie-react-hooks';
import { useId } from 'react';
import { MAX_VARIANTS } from '../../schema/experiment';
import { settingValue } from '../../store/settings';
import { listVersions } from '../../store/versions';
import { useDb } from '../DbContext';
import { canAddVariant, nextVariant, type LlmStep, type VariantDraft } from './setupDraft';

interface VariantsSectionProps {
  workflowId: string;
  llmSteps: readonly LlmStep[];
  variants: VariantDraft[];
  onChange(variants: VariantDraft[]): void;
}

/** 1–6 variants: each a name, and optionally a model, a saved version, or edited prompts. */
export function VariantsSection({ workflowId, llmSteps, variants, onChange }: VariantsSectionProps) {
  const db = useDb();
  const versions = useLiveQuery(() => listVersions(db, workflowId), [db, workflowId]);
  const providers = useLiveQuery(async () => (await settingValue(db, 'providers')).providers.map((p) => p.name), [db]);
  const update = (index: number, next: VariantDraft) => onChange(variants.map((v, i) => (i === index ? next : v)));
  return (
    <fieldset className="experiment-section">
      <legend className="section-title">Variants</legend>
      <p className="muted">
        Every row runs once per variant (at most {MAX_VARIANTS}); two or more make a model matrix.
      </p>
      <ol className="experiment-cards">
        {variants.map((variant, index) => (
          <li key={variant.id} className="experiment-card">
            <VariantForm
              variant={variant}
              llmSteps={llmSteps}
              versions={(versions ?? []).map((v) => ({ seq: v.seq, name: v.name }))}
              providers={providers ?? []}
              onChange={(next) => update(index, next)}
            />
            {variants.length > 1 && (
              <button
                type="button"
                className="button button-small"
                onClick={() => onChange(variants.filter((_, i) => i !== index))}>
                Remove {variant.label || `variant ${index + 1}`}
              </button>
            )}
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button"
        disabled={!canAddVariant(variants)}
        onClick={() => onChange([...variants, nextVariant(variants)])}>
        Add a variant
      </button>
    </fieldset>
  );
}

interface VariantFormProps {
  variant: VariantDraft;
  llmSteps: readonly LlmStep[];
  versions: Array<{ seq: number; name?: string }>;
  providers: string[];
  onChange(next: VariantDraft): void;
}

function VariantForm({ variant, llmSteps, versions, providers, onChange }: VariantFormProps) {
  const id = useId();
  const set = (patch: Partial<VariantDraft>) => onChange({ ...variant, ...patch });
  const setPrompt = (slug: string, prompt: string | undefined) => {
    const prompts = { ...variant.prompts };
    if (prompt === undefined) delete prompts[slug];
    else prompts[slug] = prompt;
    set({ prompts });
  };
  return (
    <div className="experiment-form-grid">
      <label htmlFor={`${id}-name`}>Name</label>
      <input id={`${id}-name`} value={variant.label} onChange={(e) => set({ label: e.target.value })} />
      <label htmlFor={`${id}-provider`}>Provider</label>
      <select id={`${id}-provider`} value={variant.provider} onChange={(e) => set({ provider: e.target.value })}>
        <option value="">As in each step</option>
        <option value="demo">demo (offline)</option>
        {providers.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-model`}>Model</label>
      <input
        id={`${id}-model`}
        value={variant.model}
        placeholder="As in each step"
        onChange={(e) => set({ model: e.target.value })}
      />
      <label htmlFor={`${id}-version`}>Version</label>
      <select id={`${id}-version`} value={variant.versionSeq} onChange={(e) => set({ versionSeq: e.target.value })}>
        <option value="">As saved now</option>
        {versions.map((v) => (
          <option key={v.seq} value={String(v.seq)}>
            Version {v.seq}
            {v.name ? ` — ${v.name}` : ''}
          </option>
        ))}
      </select>
      {llmSteps.map((step) => (
        <PromptEdit
          key={step.slug}
          step={step}
          prompt={variant.prompts[step.slug]}
          onChange={(prompt) => setPrompt(step.slug, prompt)}
        />
      ))}
    </div>
  );
}

function PromptEdit(props: { step: LlmStep; prompt: string | undefined; onChange(prompt: string | undefined): void }) {
  const { step, prompt, onChange } = props;
  const id = useId();
  return (
    <div className="experiment-prompt">
      <label className="field-inline">
        <input
          type="checkbox"
          checked={prompt !== undefined}
          onChange={(e) => onChange(e.target.checked ? step.userPrompt : undefined)}
        />
        Edit the prompt of “{step.name}”
      </label>
      {prompt !== undefined && (
        <>
          <label htmlFor={id} className="visually-hidden">
            User prompt of “{step.name}”
          </label>
          <textarea id={id} rows={4} value={prompt} onChange={(e) => onChange(e.target.value)} />
        </>
      )}
    </div>
  );
}
