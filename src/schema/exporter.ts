import { LIMITS } from './limits';
import { collectScopes, isObject, objectField, stringField, type RawObject } from './walk';
import {
  FORMAT_VERSION,
  SCHEMA_URL,
  SECRET_DECLARATION_FIELDS,
  type WorkflowDefinition,
  type WorkflowFile,
} from './workflow';

/** Finds a saved workflow by name (for bundling subworkflows); undefined when there is none. */
export type WorkflowLookup = (name: string) => WorkflowDefinition | undefined;

/**
 * A shareable file: the definition, the subworkflows it calls (transitively, each once), and no
 * secret values — secret declarations keep only their kind and description.
 */
export function buildExportFile(doc: WorkflowFile, lookup: WorkflowLookup): WorkflowFile {
  const { bundledWorkflows: _ignored, $schema: _schema, formatVersion: _version, ...definition } = doc;
  const bundled = collectChildren(definition as WorkflowDefinition, lookup);
  const file: WorkflowFile = {
    $schema: SCHEMA_URL,
    formatVersion: FORMAT_VERSION,
    ...sanitizeSecrets(definition as WorkflowDefinition),
  };
  if (bundled.length > 0) file.bundledWorkflows = bundled.map(sanitizeSecrets);
  return file;
}

export function exportText(file: WorkflowFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * A file name for downloads: "Single Customer Status Assessment" → "single-customer-status-assessment.workflow.json".
 */
export function exportFileName(name: string): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'workflow';
  return `${base}.workflow.json`;
}

function subworkflowNames(definition: WorkflowDefinition): string[] {
  const sites = collectScopes(definition.stepsConfig, ['stepsConfig']).flatMap((s) => s.sites);
  return sites
    .filter((s) => s.stepType === 'subworkflow')
    .map((s) => stringField(objectField(s.raw, 'config'), 'workflow'))
    .filter((n): n is string => n !== undefined);
}

function collectChildren(root: WorkflowDefinition, lookup: WorkflowLookup): WorkflowDefinition[] {
  const seen = new Set<string>([root.workflowConfig.name]);
  const out: WorkflowDefinition[] = [];
  const queue = subworkflowNames(root);
  while (queue.length > 0 && out.length < LIMITS.bundledWorkflows) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const child = lookup(name);
    if (!child) continue;
    const { bundledWorkflows: _b, $schema: _s, formatVersion: _v, ...definition } = child as WorkflowFile;
    out.push(definition as WorkflowDefinition);
    queue.push(...subworkflowNames(definition as WorkflowDefinition));
  }
  return out;
}

/** Secret declarations keep only kind/description/cipherText, so a stray "value" can never be shared. */
function sanitizeSecrets<T extends WorkflowDefinition>(definition: T): T {
  const secrets = definition.workflowConfig.config?.secrets;
  if (!secrets) return definition;
  const clean: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(secrets)) {
    clean[name] = isObject(declaration)
      ? Object.fromEntries(
          Object.entries(declaration as RawObject).filter(([key]) => SECRET_DECLARATION_FIELDS.has(key)),
        )
      : declaration;
  }
  return {
    ...definition,
    workflowConfig: {
      ...definition.workflowConfig,
      config: { ...definition.workflowConfig.config, secrets: clean as NonNullable<typeof secrets> },
    },
  };
}
