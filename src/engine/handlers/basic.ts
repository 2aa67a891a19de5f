import { isHostAllowed, literalHostOf } from '../../schema/validateRefs';
import type { StepOf } from '../../schema/steps';
import type { StepContext } from '../context';
import type { StepOutcome } from '../interpreter';
import { failure, httpError, StepFailure } from '../retry';
import type { HttpRequest } from '../runtime';

/** Handlers of steps that finish in one go: triggers, conditions and actions. */

export const ok = (output: unknown, branch?: string): StepOutcome =>
  branch === undefined ? { status: 'ok', output } : { status: 'ok', output, branch };

export async function triggerHandler(step: StepOf<'trigger'>, ctx: StepContext): Promise<StepOutcome> {
  return ok(step.config.data === undefined ? undefined : ctx.resolve(step.config.data));
}

/** The first rule whose `when` holds picks the branch; else `default`; else the path ends. */
export async function conditionHandler(step: StepOf<'condition'>, ctx: StepContext): Promise<StepOutcome> {
  for (const [index, rule] of step.config.rules.entries()) {
    if (await ctx.condition(rule.when)) return ok({ matched: index, branch: rule.next }, rule.next);
  }
  const fallback = step.config.default;
  return ok({ matched: null, branch: fallback ?? null }, fallback ?? 'default');
}

export async function actionHandler(step: StepOf<'action'>, ctx: StepContext): Promise<StepOutcome> {
  const config = step.config;
  switch (config.action) {
    case 'set':
      return ok(ctx.resolve(config.values));
    case 'transform':
      return ok(await ctx.evaluate(config.expression));
    case 'table.query': {
      const where = ctx.resolve(config.where ?? {}) as Record<string, unknown>;
      const limit = config.limit ?? 1000;
      ctx.begin({ input: { table: config.table, where, limit } });
      const rows = await ctx.attempt(() => ctx.driver.deps.store.queryTable(config.table, where, limit));
      return ok({ rows, count: rows.length });
    }
    case 'table.update': {
      const where = ctx.resolve(config.where) as Record<string, unknown>;
      const set = ctx.resolve(config.set) as Record<string, unknown>;
      return ok(await ctx.completeWithTableUpdate({ table: config.table, where, set, upsert: config.upsert ?? false }));
    }
    case 'http':
      return httpAction(config, ctx);
  }
}

type HttpConfig = Extract<StepOf<'action'>['config'], { action: 'http' }>;

/** Only to allowedHosts, each confirmed once per workflow; secrets are resolved at the moment of the request. */
async function httpAction(config: HttpConfig, ctx: StepContext): Promise<StepOutcome> {
  const { deps, compiled } = ctx.driver;
  const http = deps.runners.http;
  if (!http) throw failure('internal', 'HTTP requests are not available here', false);
  const url = String(ctx.resolve(config.url));
  const host = literalHostOf(url);
  const allowed = compiled.definition.workflowConfig.config?.allowedHosts ?? [];
  if (!host || !isHostAllowed(host, allowed)) throw failure('validation', `host ${host ?? url} is not in allowedHosts`, false);
  const placeholders = { allowSecrets: true, secret: (name: string) => `{{secrets.${name}}}` };
  ctx.begin({ input: { method: config.method, url, headers: ctx.resolve(config.headers ?? {}, placeholders), query: ctx.resolve(config.query ?? {}, placeholders), body: ctx.resolve(config.body, placeholders) } });
  await confirmHost(ctx, host);
  const response = await ctx.attempt(async (call) => {
    const request = await buildRequest(config, url, ctx);
    const answer = await http(request, call);
    if (answer.status >= 400) throw new StepFailure(httpError(answer.status, answer.statusText, answer.headers['retry-after'] ?? null, host, deps.clock.now()));
    return answer;
  });
  return ok({ status: response.status, headers: response.headers, body: response.body });
}

/** The user allows each host once per workflow; until then the step waits for that confirmation. */
export async function confirmHost(ctx: StepContext, host: string): Promise<void> {
  const { deps, run } = ctx.driver;
  if (!deps.isHostApproved || (await deps.isHostApproved(run.workflowHash, host))) return;
  const answer = await ctx.waitForEvent(`confirm-host:${host}`, undefined, `confirmation to contact ${host}`);
  const payload = answer === 'timeout' ? undefined : (answer.payload as { approved?: boolean } | undefined);
  if (!payload?.approved) throw failure('validation', `contacting ${host} was not allowed`, false);
}

/**
 * Only requests HTTP does not already define as idempotent (POST, PATCH) carry an `idempotency-key`
 * header: a custom header makes the browser send a CORS preflight, which many public APIs refuse.
 */
export function carriesIdempotencyKey(method: string): boolean {
  const upper = method.toUpperCase();
  return upper === 'POST' || upper === 'PATCH';
}

async function buildRequest(config: HttpConfig, url: string, ctx: StepContext): Promise<HttpRequest> {
  const secretNames = new Set<string>();
  const collect = { allowSecrets: true, secret: (name: string) => (secretNames.add(name), '') };
  ctx.resolve([config.headers, config.query, config.body], collect);
  const values = new Map<string, string>();
  for (const name of secretNames) {
    const value = await ctx.driver.deps.secret?.(name);
    if (value === undefined) throw failure('validation', `secret "${name}" has no value: enter it in Settings → Secrets`, false);
    values.set(name, value);
  }
  const withSecrets = { allowSecrets: true, secret: (name: string) => values.get(name) };
  const headers = Object.fromEntries(Object.entries((ctx.resolve(config.headers ?? {}, withSecrets) ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  const query = (ctx.resolve(config.query ?? {}, withSecrets) ?? {}) as Record<string, unknown>;
  const target = new URL(url);
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, String(value));
  const body = config.body === undefined ? undefined : ctx.resolve(config.body, withSecrets);
  if (body !== undefined && typeof body !== 'string') headers['content-type'] ??= 'application/json';
  if (carriesIdempotencyKey(config.method)) headers['idempotency-key'] ??= ctx.key;
  return { method: config.method, url: target.toString(), headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) };
}
