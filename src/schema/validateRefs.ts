import { checkExpression } from './expression';
import { isHostAllowed, literalHostOf } from './hosts';
import { LIMITS } from './limits';
import { problem, type PathSegment, type Problem, type ProblemSink } from './problems';
import { TOOL_NAMES } from './steps';
import { findTemplates, type TemplateRef } from './template';
import { innermostLoop, isObject, objectField, stringField, type RawObject, type Scope, type StepSite } from './walk';

/** What the reference checks know about the workflow as a whole. */
export interface RefContext {
  slugs: Set<string>;
  inputKeys: Set<string> | undefined;
  variableKeys: Set<string>;
  secretNames: Set<string>;
  allowedHosts: string[];
  workflowName: string | undefined;
  /** Saved or bundled workflows a subworkflow step may name; undefined = not known here. */
  knownWorkflows: Set<string> | undefined;
}

export function buildRefContext(
  settingsRaw: RawObject | undefined,
  workflowName: string | undefined,
  scopes: Scope[],
  knownWorkflows: Set<string> | undefined,
): RefContext {
  const inputSchema = objectField(settingsRaw, 'inputSchema');
  const properties = objectField(inputSchema, 'properties');
  const hosts = settingsRaw && Array.isArray(settingsRaw.allowedHosts) ? settingsRaw.allowedHosts : [];
  return {
    slugs: new Set(scopes.flatMap((s) => s.sites).flatMap((s) => (s.slug === undefined ? [] : [s.slug]))),
    inputKeys: properties ? new Set(Object.keys(properties)) : undefined,
    variableKeys: new Set(Object.keys(objectField(settingsRaw, 'variables') ?? {})),
    secretNames: new Set(Object.keys(objectField(settingsRaw, 'secrets') ?? {})),
    allowedHosts: hosts.filter((h): h is string => typeof h === 'string').map((h) => h.toLowerCase()),
    workflowName,
    knownWorkflows,
  };
}

/** Per-step references: templates, expressions, tools, hosts, subworkflows, placement. */
export function validateRefs(scopes: Scope[], ctx: RefContext, sink: ProblemSink): void {
  // Each check's findings go to the sink one by one: one step may hold 100,000 templates.
  const addAll = (found: Problem[]) => found.forEach((p) => sink.add(p));
  for (const scope of scopes) {
    for (const site of scope.sites) {
      const config = objectField(site.raw, 'config');
      if (!config) continue;
      addAll(checkPlacement(site));
      checkTemplates(site, config, ctx, sink);
      checkExpressions(site, config, ctx, sink);
      if (site.stepType === 'llm') checkTools(site, config, ctx, sink);
      if (site.stepType === 'action' && config.action === 'http') addAll(checkHttp(site, config, ctx));
      if (site.stepType === 'subworkflow') addAll(checkSubworkflow(site, config, ctx));
    }
  }
}

function checkPlacement(site: StepSite): Problem[] {
  const problems: Problem[] = [];
  if (site.stepType === 'trigger' && site.containers.length > 0) {
    problems.push(
      problem(
        'error',
        'misplaced-trigger',
        [...site.segments, 'stepType'],
        'trigger steps belong at the top level, not inside a loop or parallel body',
        site.slug,
      ),
    );
  }
  if (site.containers.length > LIMITS.containerDepth) {
    problems.push(
      problem(
        'error',
        'too-deep',
        site.segments,
        `containers are nested ${site.containers.length} deep; the limit is ${LIMITS.containerDepth}`,
        site.slug,
      ),
    );
  }
  return problems;
}

/** The parts of a config that hold templates: container bodies are walked as steps of their own. */
function templatedParts(
  site: StepSite,
  config: RawObject,
): Array<{ value: unknown; segments: PathSegment[]; secretsAllowed: boolean }> {
  const base = [...site.segments, 'config'];
  const parts = Object.entries(config)
    .filter(
      ([key]) =>
        !(site.stepType === 'loop' && key === 'steps') && !(site.stepType === 'parallel' && key === 'branches'),
    )
    .map(([key, value]) => ({ value, segments: [...base, key], secretsAllowed: false }));
  if (site.stepType === 'action' && config.action === 'http') {
    for (const part of parts) {
      const key = part.segments[part.segments.length - 1];
      part.secretsAllowed = key === 'headers' || key === 'query' || key === 'body';
    }
  }
  return parts;
}

function checkTemplates(site: StepSite, config: RawObject, ctx: RefContext, sink: ProblemSink): void {
  for (const part of templatedParts(site, config)) {
    for (const found of findTemplates(part.value, part.segments)) {
      for (const error of found.errors) {
        sink.add(problem('error', 'bad-template', found.segments, error, site.slug));
      }
      for (const ref of found.refs) {
        const issue = checkRef(ref, site, ctx, part.secretsAllowed);
        if (issue) sink.add(problem(issue.severity, issue.code, found.segments, issue.message, site.slug));
      }
    }
  }
}

type RefIssue = { severity: 'error' | 'warning'; code: string; message: string };

function checkRef(ref: TemplateRef, site: StepSite, ctx: RefContext, secretsAllowed: boolean): RefIssue | undefined {
  const [first, second] = ref.path;
  const name = typeof first === 'string' ? first : undefined;
  switch (ref.root) {
    case 'steps':
      if (name === undefined) return warn('unknown-step', `${ref.raw} names no step`);
      if (!ctx.slugs.has(name))
        return warn('unknown-step', `${ref.raw} refers to step "${name}", which does not exist`);
      if (second !== undefined && second !== 'output')
        return warn('unknown-field', `${ref.raw}: a step exposes "output" only`);
      return undefined;
    case 'loop':
      return checkLoopRef(ref, site, ctx);
    case 'secrets':
      if (!secretsAllowed)
        return err(
          'secret-misplaced',
          `${ref.raw}: secrets may only be used in an http action's headers, query or body`,
        );
      if (name !== undefined && !ctx.secretNames.has(name))
        return warn('unknown-secret', `${ref.raw}: secret "${name}" is not declared in workflowConfig.config.secrets`);
      return undefined;
    case 'input':
      if (name !== undefined && ctx.inputKeys && !ctx.inputKeys.has(name))
        return warn('unknown-input', `${ref.raw}: input "${name}" is not in the input schema`);
      return undefined;
    case 'variables':
      if (name !== undefined && !ctx.variableKeys.has(name))
        return warn(
          'unknown-variable',
          `${ref.raw}: variable "${name}" is not defined in workflowConfig.config.variables`,
        );
      return undefined;
    case 'trigger':
      if (name !== undefined && name !== 'data')
        return warn('unknown-field', `${ref.raw}: a trigger exposes "data" only`);
      return undefined;
    default:
      return undefined;
  }
}

function checkLoopRef(ref: TemplateRef, site: StepSite, ctx: RefContext): RefIssue | undefined {
  const loop = innermostLoop(site);
  if (!loop) return err('loop-outside-loop', `${ref.raw} is only available inside a loop's steps`);
  const [field, slug] = ref.path;
  if (field !== 'item' && field !== 'index' && field !== 'previous') {
    return err('unknown-field', `${ref.raw}: a loop exposes item, index and previous`);
  }
  if (field === 'previous' && typeof slug === 'string' && !ctx.slugs.has(slug)) {
    return warn('unknown-step', `${ref.raw} refers to step "${slug}", which does not exist`);
  }
  return undefined;
}

const warn = (code: string, message: string): RefIssue => ({ severity: 'warning', code, message });
const err = (code: string, message: string): RefIssue => ({ severity: 'error', code, message });

/** The JSONata expressions of a step, with their paths. */
export function expressionFields(
  site: StepSite,
  config: RawObject,
): Array<{ source: unknown; segments: PathSegment[] }> {
  const base = [...site.segments, 'config'];
  if (site.stepType === 'condition' && Array.isArray(config.rules)) {
    return config.rules.map((rule, i) => ({
      source: isObject(rule) ? rule.when : undefined,
      segments: [...base, 'rules', i, 'when'],
    }));
  }
  if (site.stepType === 'loop' && config.while !== undefined)
    return [{ source: config.while, segments: [...base, 'while'] }];
  if (site.stepType === 'action' && config.action === 'transform')
    return [{ source: config.expression, segments: [...base, 'expression'] }];
  return [];
}

function checkExpressions(site: StepSite, config: RawObject, ctx: RefContext, sink: ProblemSink): void {
  for (const { source, segments } of expressionFields(site, config)) {
    if (typeof source !== 'string' || source.length > LIMITS.expressionChars) continue; // the shape check reports it
    const checked = checkExpression(source);
    if (!checked.ok) {
      sink.add(problem('error', 'bad-expression', segments, `expression: ${checked.message}`, site.slug));
      continue;
    }
    for (const slug of checked.stepRefs) {
      if (!ctx.slugs.has(slug)) {
        sink.add(
          problem(
            'warning',
            'unknown-step',
            segments,
            `expression refers to step "${slug}", which does not exist`,
            site.slug,
          ),
        );
      }
    }
  }
}

function checkTools(site: StepSite, config: RawObject, ctx: RefContext, sink: ProblemSink): void {
  const node = objectField(config, 'llmNode');
  const tools = node && Array.isArray(node.tools) ? node.tools : [];
  tools.forEach((tool, i) => {
    if (typeof tool !== 'string') return;
    const segments = [...site.segments, 'config', 'llmNode', 'tools', i];
    if (!(TOOL_NAMES as readonly string[]).includes(tool)) {
      sink.add(
        problem(
          'error',
          'unknown-tool',
          segments,
          `unknown tool "${tool}"; available: ${TOOL_NAMES.join(', ')}`,
          site.slug,
        ),
      );
    } else if (tool === 'http_request' && ctx.allowedHosts.length === 0) {
      sink.add(
        problem(
          'warning',
          'no-allowed-hosts',
          segments,
          'http_request can only reach hosts listed in workflowConfig.config.allowedHosts, and none are listed',
          site.slug,
        ),
      );
    }
  });
}

function checkHttp(site: StepSite, config: RawObject, ctx: RefContext): Problem[] {
  const url = stringField(config, 'url');
  if (url === undefined) return [];
  const segments = [...site.segments, 'config', 'url'];
  const host = literalHostOf(url);
  if (host === undefined) {
    return [
      problem(
        'error',
        'bad-url',
        segments,
        'the URL must start with http:// or https:// and a host written out (templates may follow the host)',
        site.slug,
      ),
    ];
  }
  if (!isHostAllowed(host, ctx.allowedHosts)) {
    return [
      problem(
        'error',
        'host-not-allowed',
        segments,
        `host "${host}" is not in workflowConfig.config.allowedHosts`,
        site.slug,
      ),
    ];
  }
  return [];
}

function checkSubworkflow(site: StepSite, config: RawObject, ctx: RefContext): Problem[] {
  const name = stringField(config, 'workflow');
  if (name === undefined) return [];
  const segments = [...site.segments, 'config', 'workflow'];
  if (name === ctx.workflowName) {
    return [problem('error', 'subworkflow-cycle', segments, `the workflow "${name}" calls itself`, site.slug)];
  }
  if (ctx.knownWorkflows && !ctx.knownWorkflows.has(name)) {
    return [
      problem(
        'warning',
        'unknown-workflow',
        segments,
        `no saved or bundled workflow is named "${name}"; add it before running this step`,
        site.slug,
      ),
    ];
  }
  return [];
}
