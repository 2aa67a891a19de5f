import { z } from 'zod';
import { retryPolicySchema, slugSchema, stepSchema } from './steps.ts';

/** The format version this build writes. Files without `formatVersion` are version 1 (the seed format). */
export const FORMAT_VERSION = 1;
export const SCHEMA_URL = '/workflow.schema.json';

/**
 * A secret the workflow needs. Its value never lives in the workflow: it is entered in Settings and
 * substituted at the moment of the request. `inlineEncrypted` is the seed's server-side form; its
 * cipher text cannot be opened here, so the value must be entered again.
 */
export const secretDeclarationSchema = z.union([
  z.looseObject({ kind: z.literal('inlineEncrypted'), cipherText: z.string() }),
  z.looseObject({ kind: z.literal('local'), description: z.string().max(500).optional() }),
]);

/** The only fields a secret declaration may carry: never a value. */
export const SECRET_DECLARATION_FIELDS: ReadonlySet<string> = new Set(['kind', 'description', 'cipherText']);

export const workflowSettingsSchema = z.looseObject({
  /** Running time budget of a run in ms (waits and time the app was closed do not count). */
  timeout: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3_600_000)
    .optional(),
  retryPolicy: retryPolicySchema.optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
  secrets: z.record(z.string(), secretDeclarationSchema).optional(),
  /** Hosts `http` actions and the `http_request` tool may contact, e.g. "api.example.com". */
  allowedHosts: z.array(z.string().min(1).max(253)).optional(),
  /** Per-run caps (a run form may set its own): reaching one pauses the next model call and asks to continue. */
  limits: z
    .looseObject({
      maxTokensPerRun: z.number().int().min(1).optional(),
      maxCostUsdPerRun: z.number().min(0).optional(),
    })
    .optional(),
  /** JSON Schema for run inputs; without it inputs are inferred from `{{input.*}}` templates. */
  inputSchema: z.record(z.string(), z.unknown()).optional(),
});

export const WORKFLOW_TYPES = ['predefined', 'dynamic_orchestration'] as const;

export const workflowConfigSchema = z.looseObject({
  name: z.string().min(1, 'a workflow needs a name').max(200),
  description: z.string().max(5_000).optional(),
  version: z.string().max(50).optional(),
  /** `predefined`: each LLM step has its own thread; `dynamic_orchestration`: one shared thread per run. */
  workflowType: z.enum(WORKFLOW_TYPES).optional(),
  config: workflowSettingsSchema.optional(),
});

/** One workflow: the seed's `workflowConfig` + `stepsConfig`. */
export const workflowDefinitionSchema = z.looseObject({
  workflowConfig: workflowConfigSchema,
  stepsConfig: z.array(stepSchema).min(1, 'a workflow needs at least one step'),
});

const coordinate = z.number().min(-1_000_000).max(1_000_000);

/**
 * The visual editor's layout, kept with the workflow (exports and share links carry it); the engine
 * never reads it. Only steps the user placed have a position; the others are laid out automatically.
 */
export const workflowUiSchema = z.looseObject({
  /** Step slug → top-left corner on the canvas, relative to the container the step is in. */
  positions: z.record(slugSchema, z.object({ x: coordinate, y: coordinate })).optional(),
});

/** A workflow file: one definition plus the subworkflows it references, for sharing. */
export const workflowFileSchema = z.looseObject({
  $schema: z.string().optional(),
  formatVersion: z.number().int().min(1).optional(),
  workflowConfig: workflowConfigSchema,
  stepsConfig: z.array(stepSchema).min(1, 'a workflow needs at least one step'),
  /** Definitions of subworkflows referenced by name, bundled by export. */
  bundledWorkflows: z.array(workflowDefinitionSchema).optional(),
  ui: workflowUiSchema.optional(),
});

/** A workflow as authored and stored: defaults are not filled in, unknown fields are kept. */
export type WorkflowDefinition = z.input<typeof workflowDefinitionSchema>;
export type WorkflowFile = z.input<typeof workflowFileSchema>;
/** A workflow after parsing, defaults filled in: what the engine runs. */
export type ParsedWorkflow = z.output<typeof workflowFileSchema>;
export type WorkflowSettings = z.infer<typeof workflowSettingsSchema>;
export type WorkflowUi = z.infer<typeof workflowUiSchema>;
export type SecretDeclaration = z.infer<typeof secretDeclarationSchema>;
