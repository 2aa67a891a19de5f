import type { StepOf } from '../../schema/steps';
import { ok, type StepOutcome } from '../frame';
import { failure } from '../retry';
import type { HttpRequest } from '../runtime';
import type { StepApi } from '../stepApi';
import { allowedTarget, confirmHost, RECORDED_OUTPUT_NOTE, sendHttp } from './http';

/** Handlers of steps that finish in one go: triggers, conditions and actions. */

export async function triggerHandler(step: StepOf<'trigger'>, ctx: StepApi): Promise<StepOutcome> {
  return ok(step.config.data === undefined ? undefined : ctx.resolve(step.config.data));
}

/** The first rule whose `when` holds picks the branch; else `default`; else the path ends. */
export async function conditionHandler(step: StepOf<'condition'>, ctx: StepApi): Promise<StepOutcome> {
  for (const [index, rule] of step.config.rules.entries()) {
    if (await ctx.condition(rule.when)) return ok({ matched: index, branch: rule.next }, rule.next);
  }
  const fallback = step.config.default;
  return ok({ matched: null, branch: fallback ?? null }, fallback ?? 'default');
}

export async function actionHandler(step: StepOf<'action'>, ctx: StepApi): Promise<StepOutcome> {
  const config = step.config;
  switch (config.action) {
    case 'set':
      return ok(ctx.resolve(config.values));
    case 'transform':
      return ok(await ctx.evaluate(config.expression));
    case 'table.query': {
      const where = ctx.resolve(config.where ?? {}) as Record<string, unknown>;
      const limit = config.limit ?? 1000;
      const input = { table: config.table, where, limit };
      ctx.begin({ input });
      const replayed = await recordedOutcome(ctx, input);
      if (replayed) return replayed;
      const rows = await ctx.attempt(() => ctx.queryTable(config.table, where, limit));
      return ok({ rows, count: rows.length });
    }
    case 'table.update': {
      const where = ctx.resolve(config.where) as Record<string, unknown>;
      const set = ctx.resolve(config.set) as Record<string, unknown>;
      const input = { table: config.table, where, set, upsert: config.upsert ?? false };
      ctx.begin({ input });
      const replayed = await recordedOutcome(ctx, input);
      if (replayed) return replayed;
      return ok(await ctx.completeWithTableUpdate({ table: config.table, where, set, upsert: config.upsert ?? false }));
    }
    case 'http':
      return httpAction(config, ctx);
  }
}

/** A replay's recorded output of this step begun with `input` (`StepApi.recordedOutput`): nothing is done again. */
async function recordedOutcome(ctx: StepApi, input: unknown): Promise<StepOutcome | undefined> {
  const recorded = await ctx.recordedOutput(input);
  if (!recorded) return undefined;
  ctx.setMeta({ note: RECORDED_OUTPUT_NOTE });
  return ok(recorded.output);
}

type HttpConfig = Extract<StepOf<'action'>['config'], { action: 'http' }>;

/**
 * Only to allowedHosts, each confirmed once per workflow; secrets are resolved at the moment of the
 * request. The record keeps `{{secrets.NAME}}` placeholders and the names of the secrets it sends
 * (`sendsSecrets`), which the consent prompt shows.
 */
async function httpAction(config: HttpConfig, ctx: StepApi): Promise<StepOutcome> {
  const url = String(ctx.resolve(config.url));
  const target = allowedTarget(ctx, url, 'validation');
  const placeholders = { allowSecrets: true, secret: (name: string) => `{{secrets.${name}}}` };
  const headers = ctx.resolve(config.headers ?? {}, placeholders);
  const query = ctx.resolve(config.query ?? {}, placeholders);
  const body = ctx.resolve(config.body, placeholders);
  const sendsSecrets = [...secretNamesOf(config, ctx)];
  const input = { method: config.method, url: target.url.toString(), headers, query, body, sendsSecrets };
  ctx.begin({ input });
  // A replay's recorded response (kept without the secrets it was sent with): nothing is sent, no host asked.
  const replayed = await recordedOutcome(ctx, input);
  if (replayed) return replayed;
  await confirmHost(ctx, target.host, sendsSecrets);
  const response = await sendHttp(ctx, target, () => buildRequest(config, target.url, ctx));
  return ok({ status: response.status, headers: response.headers, body: response.body });
}

/** Names of the secrets the request carries, in the order they appear. */
function secretNamesOf(config: HttpConfig, ctx: StepApi): Set<string> {
  const names = new Set<string>();
  ctx.resolve([config.headers, config.query, config.body], {
    allowSecrets: true,
    secret: (name: string) => (names.add(name), ''),
  });
  return names;
}

async function buildRequest(config: HttpConfig, url: URL, ctx: StepApi): Promise<HttpRequest> {
  const values = new Map<string, string>();
  for (const name of secretNamesOf(config, ctx)) {
    const value = await ctx.secret(name);
    if (value === undefined)
      throw failure('validation', `secret "${name}" has no value: enter it in Settings → Secrets`, false);
    values.set(name, value);
  }
  const withSecrets = { allowSecrets: true, secret: (name: string) => values.get(name) };
  const headers = Object.fromEntries(
    Object.entries((ctx.resolve(config.headers ?? {}, withSecrets) ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      String(v),
    ]),
  );
  const query = (ctx.resolve(config.query ?? {}, withSecrets) ?? {}) as Record<string, unknown>;
  const target = new URL(url);
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, String(value));
  const body = config.body === undefined ? undefined : ctx.resolve(config.body, withSecrets);
  if (body !== undefined && typeof body !== 'string') headers['content-type'] ??= 'application/json';
  return {
    method: config.method,
    url: target.toString(),
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  };
}
