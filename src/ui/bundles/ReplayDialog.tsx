import { useEffect, useState } from 'react';
import type { RunRecord } from '../../engine/records';
import { errorMessage } from '../../schema/errorMessage';
import { collectScopes, objectField } from '../../schema/walk';
import type { WorkflowFile } from '../../schema/workflow';
import { Dialog } from '../common/Dialog';
import { useDb } from '../DbContext';
import { useExecutor } from '../ExecutorContext';

interface PromptField {
  slug: string;
  name: string;
  prompt: string;
}

/** The LLM steps of a definition, at any depth, with their user prompts. */
function promptFields(definition: WorkflowFile): PromptField[] {
  return collectScopes(definition.stepsConfig, ['stepsConfig'])
    .flatMap((scope) => scope.sites)
    .flatMap((site) => {
      const node = objectField(objectField(site.raw, 'config'), 'llmNode');
      if (site.stepType !== 'llm' || !site.slug || typeof node?.userPrompt !== 'string') return [];
      const name = typeof site.raw.name === 'string' ? site.raw.name : site.slug;
      return [{ slug: site.slug, name, prompt: node.userPrompt }];
    });
}

/** A copy of the definition with the edited prompts in place. */
function withPrompts(definition: WorkflowFile, prompts: ReadonlyMap<string, string>): WorkflowFile {
  const copy = structuredClone(definition);
  for (const site of collectScopes(copy.stepsConfig, ['stepsConfig']).flatMap((scope) => scope.sites)) {
    const node = objectField(objectField(site.raw, 'config'), 'llmNode');
    const prompt = site.slug === undefined ? undefined : prompts.get(site.slug);
    if (node && prompt !== undefined) node.userPrompt = prompt;
  }
  return copy;
}

/**
 * Edit the prompts of a bundle's run and replay it: the steps whose requests changed (an edited prompt and
 * whatever reads its output) run live on the configured provider or the demo model; the rest are recorded.
 */
export function ReplayDialog({
  run,
  onClose,
  onStarted,
}: {
  run: RunRecord;
  onClose(): void;
  onStarted(id: string): void;
}) {
  const db = useDb();
  const executor = useExecutor();
  const [definition, setDefinition] = useState<WorkflowFile | null>();
  const [prompts, setPrompts] = useState(new Map<string, string>());
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    void db.definitions.get(run.workflowHash).then((record) => setDefinition(record?.definition ?? null));
  }, [db, run.workflowHash]);
  const fields = definition ? promptFields(definition) : [];
  const changed = fields.filter((f) => prompts.has(f.slug) && prompts.get(f.slug) !== f.prompt);

  async function replay() {
    if (!definition) return;
    try {
      const id = await executor.replayRun(run.id, withPrompts(definition, prompts));
      onClose();
      onStarted(id);
    } catch (error) {
      setFailure(errorMessage(error));
    }
  }

  const footer = (
    <>
      <span className="muted footer-note">
        {changed.length === 0
          ? 'Nothing edited: every step comes from the recording.'
          : `${changed.length} prompt(s) edited.`}
      </span>
      <button type="button" className="button" onClick={onClose}>
        Cancel
      </button>
      <button type="button" className="button button-primary" disabled={!definition} onClick={() => void replay()}>
        Replay with these prompts
      </button>
    </>
  );
  return (
    <Dialog label="Edit prompts and replay" onClose={onClose} footer={footer} wide>
      {failure && (
        <p className="error-text" role="alert">
          Replay failed: {failure}
        </p>
      )}
      {definition === undefined && <p className="muted">Loading the workflow…</p>}
      {definition === null && <p className="error-text">The workflow this run ran is not stored here.</p>}
      {definition && fields.length === 0 && <p className="muted">This workflow has no LLM step to edit.</p>}
      <div className="replay-prompts">
        {fields.map((field) => (
          <label key={field.slug} className="replay-prompt">
            <span className="field-label">
              {field.name} <code>{field.slug}</code>
            </span>
            <textarea
              className="input replay-prompt-text"
              value={prompts.get(field.slug) ?? field.prompt}
              spellCheck={false}
              onChange={(e) => setPrompts(new Map(prompts).set(field.slug, e.target.value))}
            />
          </label>
        ))}
      </div>
    </Dialog>
  );
}
