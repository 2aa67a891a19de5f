import { compileWorkflow } from '../../src/engine/compile';
import {
  evaluateCondition,
  evaluateExpression,
  ExpressionError,
  type ExpressionContext,
} from '../../src/schema/expression';
import type { WorkflowFile } from '../../src/schema/workflow';
import { nearMatch } from './payloads';
import type { SchemaCheck } from './schemaCheck';

/**
 * What an imported file can make the executor do without any network: compile it, evaluate each of
 * its expressions and validate sample data against each of its JSON Schemas, on data that nearly
 * matches every catastrophic pattern.
 */

type Raw = Record<string, any>;

/** An expression result bigger than this (as JSON) is a value no step should be able to build. */
const MAX_RESULT_CHARS = 16 * 1024 * 1024;

export interface CheckFindings {
  expressions: number;
  schemas: number;
  /** Broken promises: each a sentence saying what happened. Empty when all held. */
  failures: string[];
}

function stepsOf(list: unknown, out: Raw[] = []): Raw[] {
  if (!Array.isArray(list)) return out;
  for (const step of list as Raw[]) {
    out.push(step);
    stepsOf(step?.config?.steps, out);
    for (const branch of Object.values(step?.config?.branches ?? {})) stepsOf(branch, out);
  }
  return out;
}

function definitions(file: WorkflowFile): Raw[] {
  return [file as Raw, ...((file as Raw).bundledWorkflows ?? [])];
}

export function expressionsOf(file: WorkflowFile): Array<{ where: string; source: string; condition: boolean }> {
  const out: Array<{ where: string; source: string; condition: boolean }> = [];
  for (const definition of definitions(file)) {
    for (const step of stepsOf(definition.stepsConfig)) {
      const config = step.config ?? {};
      for (const rule of Array.isArray(config.rules) ? config.rules : [])
        out.push({ where: `${step.stepSlug} when`, source: rule.when, condition: true });
      if (config.action === 'transform')
        out.push({ where: `${step.stepSlug} transform`, source: config.expression, condition: false });
      if (typeof config.while === 'string')
        out.push({ where: `${step.stepSlug} while`, source: config.while, condition: true });
    }
  }
  return out.filter((e) => typeof e.source === 'string');
}

export function schemasOf(file: WorkflowFile): Array<{ where: string; schema: Raw }> {
  const out: Array<{ where: string; schema: Raw }> = [];
  for (const definition of definitions(file)) {
    const inputSchema = definition.workflowConfig?.config?.inputSchema;
    if (inputSchema) out.push({ where: 'inputSchema', schema: inputSchema });
    for (const step of stepsOf(definition.stepsConfig)) {
      const outputSchema = step.config?.llmNode?.outputSchema;
      if (outputSchema) out.push({ where: `${step.stepSlug} outputSchema`, schema: outputSchema });
    }
  }
  return out;
}

/** An instance shaped by the schema's properties, with near-match strings in every key and leaf. */
export function hostileInstance(schema: unknown, depth = 0): unknown {
  const text = nearMatch();
  if (depth > 12 || schema === null || typeof schema !== 'object') return text;
  const s = schema as Raw;
  if (s.type === 'array' || s.items) return [hostileInstance(s.items, depth + 1), text];
  if (s.type === 'number' || s.type === 'integer') return 3;
  if (s.type === 'boolean') return true;
  if (s.format === 'email') return `${'a'.repeat(5000)}@${'b'.repeat(5000)}`;
  if (s.type === 'string' || (!s.properties && !s.patternProperties && s.type !== 'object')) return text;
  const object: Raw = {
    [text]: text,
    text,
    email: `${'a'.repeat(5000)}@${'b'.repeat(5000)}`,
    uri: `http://${'a'.repeat(10_000)}`,
  };
  for (const [key, child] of Object.entries(s.properties ?? {})) object[key] = hostileInstance(child, depth + 1);
  return object;
}

function sampleContext(file: WorkflowFile): ExpressionContext {
  const text = nearMatch();
  const slugs = definitions(file).flatMap((d) => stepsOf(d.stepsConfig).map((s) => String(s.stepSlug)));
  const output = { text, items: [text, 1, { text }], n: 3 };
  return {
    input: { text, customerId: 'cus_002', items: [text, 2, { text }], n: 3 },
    trigger: { data: { text } },
    steps: Object.fromEntries(slugs.map((slug) => [slug, { output }])),
    variables: (file as Raw).workflowConfig?.config?.variables ?? {},
    loop: { item: text, index: 0 },
    run: { id: 'run1' },
  };
}

function describeThrown(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message.slice(0, 200)}`
    : `a non-Error value (${typeof error})`;
}

async function checkExpression(
  entry: { where: string; source: string; condition: boolean },
  context: ExpressionContext,
  failures: string[],
): Promise<void> {
  const options = { nowMs: 1_700_000_000_000, seed: 'adversarial' };
  try {
    const result = entry.condition
      ? await evaluateCondition(entry.source, context, options)
      : await evaluateExpression(entry.source, context, options);
    const size = JSON.stringify(result ?? null).length;
    if (size > MAX_RESULT_CHARS)
      failures.push(`${entry.where} built a value of ${size.toLocaleString('en')} characters`);
  } catch (error) {
    // A refusal must be a readable ExpressionError; anything else escaped the sandbox's error mapping.
    if (!(error instanceof ExpressionError))
      failures.push(`${entry.where} threw ${describeThrown(error)} instead of an ExpressionError`);
  }
}

/** What the executor does first with an imported file; failures as sentences. */
export function compileImportedFile(file: WorkflowFile): string[] {
  try {
    compileWorkflow(file, { validated: true });
    return [];
  } catch (error) {
    return [`an imported file does not compile: ${describeThrown(error)}`];
  }
}

export async function checkImportedFile(file: WorkflowFile, schemaCheck: SchemaCheck): Promise<CheckFindings> {
  const failures: string[] = [];
  const context = sampleContext(file);
  const expressions = expressionsOf(file);
  for (const entry of expressions) await checkExpression(entry, context, failures);
  const schemas = schemasOf(file);
  for (const { where, schema } of schemas) {
    for (const instance of [hostileInstance(schema), nearMatch(), {}]) {
      // A thrown Error with a message is a clear refusal of the schema; only hangs and non-Errors fail.
      try {
        await schemaCheck(schema, instance);
      } catch (error) {
        if (!(error instanceof Error)) failures.push(`${where} validation threw ${describeThrown(error)}`);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { expressions: expressions.length, schemas: schemas.length, failures };
}
