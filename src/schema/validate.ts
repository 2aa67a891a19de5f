import { normalizeAllowedHost } from './hosts';
import { LIMITS } from './limits';
import { problem, ProblemCollector, type PathSegment, type Problem, type ProblemSink } from './problems';
import { validateGraph } from './validateGraph';
import { buildRefContext, validateRefs } from './validateRefs';
import { validateSchemas } from './validateSchemas';
import { checkShape, checkSizes, type Definition } from './validateShape';
import { collectScopes, isObject, objectField, stringField, type RawObject } from './walk';
import { SECRET_DECLARATION_FIELDS, type WorkflowFile } from './workflow';

export interface ValidationResult {
  /** The input typed as a workflow file when its shape is right (it may still have semantic errors). */
  file: WorkflowFile | undefined;
  /** Errors first; past `PROBLEM_CAPS` a kind is summed up in one "and N more" problem. */
  problems: Problem[];
  /** A size limit was passed: only sizes were checked, and nothing else should walk this value. */
  tooLarge: boolean;
}

export interface ValidateOptions {
  /** Names of saved workflows a subworkflow step may call; omit when unknown (no warning then). */
  knownWorkflows?: Iterable<string>;
}

/**
 * Every problem of a workflow file at once: sizes, shape (zod), graph, references, settings, and the
 * same for each bundled subworkflow. Never throws on any JSON value, and linear in its size.
 */
export function validateWorkflowFile(value: unknown, options: ValidateOptions = {}): ValidationResult {
  if (!isObject(value)) {
    return {
      file: undefined,
      problems: [
        problem(
          'error',
          'not-a-workflow',
          [],
          'a workflow file is a JSON object with "workflowConfig" and "stepsConfig"',
        ),
      ],
      tooLarge: false,
    };
  }
  const sink = new ProblemCollector();
  // Past a size limit nothing else is checked: every later check (zod first) may then assume
  // that each list and object it walks is of a bounded size.
  if (!checkSizes(value, sink)) return { file: undefined, problems: sink.result(), tooLarge: true };
  const bundles = Array.isArray(value.bundledWorkflows) ? value.bundledWorkflows.filter(isObject) : [];
  const definitions = [definitionOf(value, [])];
  if (Array.isArray(value.bundledWorkflows)) {
    value.bundledWorkflows.slice(0, LIMITS.bundledWorkflows).forEach((bundle, i) => {
      if (isObject(bundle)) definitions.push(definitionOf(bundle, ['bundledWorkflows', i]));
    });
  }
  const shapeOk = checkShape(value, definitions, sink);
  const bundledNames = bundles
    .map((b) => stringField(objectField(b, 'workflowConfig'), 'name'))
    .filter((n): n is string => !!n);
  const known = options.knownWorkflows ? new Set([...options.knownWorkflows, ...bundledNames]) : undefined;
  if (bundles.length > LIMITS.bundledWorkflows) {
    sink.add(
      problem(
        'error',
        'too-many-bundles',
        ['bundledWorkflows'],
        `at most ${LIMITS.bundledWorkflows} bundled workflows`,
      ),
    );
  }
  for (const definition of definitions) validateDefinition(definition, known, sink);
  return { file: shapeOk ? (value as WorkflowFile) : undefined, problems: sink.result(), tooLarge: false };
}

function definitionOf(raw: RawObject, base: PathSegment[]): Definition {
  return { raw, base, scopes: collectScopes(raw.stepsConfig, [...base, 'stepsConfig']) };
}

function validateDefinition(
  { raw, base, scopes }: Definition,
  known: Set<string> | undefined,
  sink: ProblemSink,
): void {
  const workflowConfig = objectField(raw, 'workflowConfig');
  const settings = objectField(workflowConfig, 'config');
  const total = scopes.reduce((n, s) => n + s.sites.length, 0);
  if (total > LIMITS.steps) {
    sink.add(
      problem('error', 'too-many-steps', [...base, 'stepsConfig'], `${total} steps; the limit is ${LIMITS.steps}`),
    );
    return;
  }
  const ctx = buildRefContext(settings, stringField(workflowConfig, 'name'), scopes, known);
  validateGraph(scopes, sink);
  validateRefs(scopes, ctx, sink);
  validateSchemas(settings, scopes, [...base, 'workflowConfig', 'config'], sink);
  for (const found of validateSettings(settings, [...base, 'workflowConfig', 'config'])) sink.add(found);
}

function validateSettings(settings: RawObject | undefined, base: PathSegment[]): Problem[] {
  if (!settings) return [];
  const problems: Problem[] = [];
  const secrets = objectField(settings, 'secrets') ?? {};
  for (const [name, declaration] of Object.entries(secrets)) {
    const stray = isObject(declaration)
      ? Object.keys(declaration).filter((k) => !SECRET_DECLARATION_FIELDS.has(k))
      : [];
    if (stray.length > 0) {
      problems.push(
        problem(
          'error',
          'secret-value-in-file',
          [...base, 'secrets', name, stray[0]!],
          `secret "${name}" carries "${stray[0]}"; secret values never go in a workflow file: ` +
            'remove it and enter the value in Settings → Secrets',
        ),
      );
    }
    if (isObject(declaration) && declaration.kind === 'inlineEncrypted') {
      problems.push(
        problem(
          'warning',
          'secret-needs-value',
          [...base, 'secrets', name],
          `secret "${name}" was encrypted by another system; ` +
            'enter its value again in Settings → Secrets before running',
        ),
      );
    }
  }
  const hosts = Array.isArray(settings.allowedHosts) ? settings.allowedHosts : [];
  hosts.forEach((host, i) => {
    if (typeof host === 'string' && normalizeAllowedHost(host) === undefined) {
      problems.push(
        problem(
          'error',
          'bad-host',
          [...base, 'allowedHosts', i],
          `"${host}" is not a host name ` +
            '(write "api.example.com", "localhost:11434" or "*.example.com", without scheme or path; IPv6 in brackets)',
        ),
      );
    }
  });
  return problems;
}
