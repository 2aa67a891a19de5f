import type { Variant } from './experiment';
import { collectScopes, isObject } from './walk';
import type { WorkflowFile } from './workflow';

/**
 * What a variant of an experiment runs: the workflow (or one of its saved versions) with the variant's model and
 * prompts put into its LLM steps. Pure: the input document is never changed.
 */

/** The variant's workflow, or why it cannot run (named by the variant's label). */
export type VariantResult = { kind: 'ok'; workflow: WorkflowFile } | { kind: 'problem'; message: string };

/**
 * `workflow`: the workflow as saved now; `versions`: its saved versions by number. The model (and provider,
 * when given) replaces that of every LLM step, loop and parallel bodies included; `prompts` replaces the user
 * prompt of the LLM steps it names by slug. Subworkflows run as saved (they are found by name when they run).
 */
export function applyVariant(
  workflow: WorkflowFile,
  variant: Variant,
  versions: ReadonlyMap<number, WorkflowFile>,
): VariantResult {
  const named = (message: string): VariantResult => ({
    kind: 'problem',
    message: `variant “${variant.label}”: ${message}`,
  });
  let base = workflow;
  if (variant.versionSeq !== undefined) {
    const version = versions.get(variant.versionSeq);
    if (!version) return named(`version ${variant.versionSeq} of this workflow is not saved`);
    base = version;
  }
  const copy = structuredClone(base);
  const llmNodes = llmNodesBySlug(copy);
  for (const slug of Object.keys(variant.prompts ?? {})) {
    if (!llmNodes.has(slug)) return named(`it edits the prompt of “${slug}”, which is not an LLM step of the workflow`);
  }
  if (variant.model && llmNodes.size === 0) return named('it sets a model, but the workflow has no LLM step');
  for (const [slug, node] of llmNodes) {
    if (variant.model) {
      node.model = variant.model.model;
      if (variant.model.provider !== undefined) node.provider = variant.model.provider;
    }
    const prompt = variant.prompts?.[slug];
    if (prompt !== undefined) node.userPrompt = prompt;
  }
  return { kind: 'ok', workflow: copy };
}

/** The `llmNode` object of every LLM step with a slug, in document order (the copy's own objects). */
function llmNodesBySlug(workflow: WorkflowFile): Map<string, Record<string, unknown>> {
  const nodes = new Map<string, Record<string, unknown>>();
  for (const scope of collectScopes(workflow.stepsConfig, ['stepsConfig'])) {
    for (const site of scope.sites) {
      if (site.stepType !== 'llm' || site.slug === undefined) continue;
      const config = site.raw.config;
      const node = isObject(config) ? config.llmNode : undefined;
      if (isObject(node)) nodes.set(site.slug, node);
    }
  }
  return nodes;
}
