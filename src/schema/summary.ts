import { literalHostOf, normalizeAllowedHost } from './hosts';
import { workflowInputUses } from './inputs';
import { collectScopes, isObject, objectField, stringField, type RawObject } from './walk';

/** What a person should see before importing or running a workflow. Read defensively from raw JSON. */
export interface WorkflowSummary {
  name: string;
  description: string | undefined;
  workflowType: 'predefined' | 'dynamic_orchestration';
  steps: Array<{ slug: string; name: string; stepType: string; depth: number }>;
  models: string[];
  tools: string[];
  /** Hosts the workflow may contact: allowedHosts plus literal hosts of http actions, in normal form (`hosts.ts`). */
  hosts: string[];
  subworkflows: string[];
  bundled: string[];
  secrets: string[];
  inputs: string[];
}

export function summarizeWorkflow(raw: RawObject): WorkflowSummary {
  const workflowConfig = objectField(raw, 'workflowConfig');
  const settings = objectField(workflowConfig, 'config');
  const sites = collectScopes(raw.stepsConfig, ['stepsConfig']).flatMap((s) => s.sites);
  const models = new Set<string>();
  const tools = new Set<string>();
  const hosts = new Set<string>(
    stringArray(settings?.allowedHosts).map((entry) => normalizeAllowedHost(entry) ?? entry),
  );
  const subworkflows = new Set<string>();
  for (const site of sites) {
    const config = objectField(site.raw, 'config');
    const node = objectField(config, 'llmNode');
    const model = stringField(node, 'model');
    if (model) models.add(stringField(node, 'provider') ? `${stringField(node, 'provider')}/${model}` : model);
    stringArray(node?.tools).forEach((t) => tools.add(t));
    const url = site.stepType === 'action' ? stringField(config, 'url') : undefined;
    const host = url ? literalHostOf(url) : undefined;
    if (host) hosts.add(host);
    const child = site.stepType === 'subworkflow' ? stringField(config, 'workflow') : undefined;
    if (child) subworkflows.add(child);
  }
  const bundles = Array.isArray(raw.bundledWorkflows) ? raw.bundledWorkflows.filter(isObject) : [];
  return {
    name: stringField(workflowConfig, 'name') ?? '(unnamed)',
    description: stringField(workflowConfig, 'description'),
    workflowType:
      stringField(workflowConfig, 'workflowType') === 'dynamic_orchestration' ? 'dynamic_orchestration' : 'predefined',
    steps: sites.map((s) => ({
      slug: s.slug ?? '?',
      name: stringField(s.raw, 'name') ?? s.slug ?? '?',
      stepType: s.stepType ?? '?',
      depth: s.containers.length,
    })),
    models: [...models],
    tools: [...tools],
    hosts: [...hosts],
    subworkflows: [...subworkflows],
    bundled: bundles.map((b) => stringField(objectField(b, 'workflowConfig'), 'name') ?? '(unnamed)'),
    secrets: Object.keys(objectField(settings, 'secrets') ?? {}),
    inputs: workflowInputs(raw),
  };
}

/** Run inputs: the input schema's properties, then every input the steps read without declaring it. */
export function workflowInputs(raw: RawObject): string[] {
  return workflowInputUses(raw).map((use) => use.name);
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
