import { httpTargetOf, isHostAllowed, type HttpTarget } from '../../schema/hosts';
import { EFFECT_TIMEOUT_MS } from '../../schema/limits';
import type { ErrorCategory } from '../records';
import { failure, httpError, StepFailure } from '../retry';
import type { EffectCall, HttpRequest, HttpResponse } from '../runtime';
import type { StepApi } from '../stepApi';

/**
 * The one HTTP path of `http` steps and the `http_request` tool: the same host check (normal form,
 * `schema/hosts.ts`), the same consent, the same idempotency rule, timeout and error classes.
 */

/** The note on an http step or tool call a replay's recording answered (`StepApi.recordedOutput`). */
export const RECORDED_OUTPUT_NOTE = 'answered from the recording this run replays: nothing was sent or changed';

/** The URL as it will be requested, if its host is one of the workflow's allowedHosts. */
export function allowedTarget(ctx: StepApi, url: string, category: ErrorCategory): HttpTarget {
  const target = httpTargetOf(url);
  const allowed = ctx.workflow.config?.allowedHosts ?? [];
  if (!target) throw failure(category, `"${url.slice(0, 200)}" is not an http(s) URL`, false);
  if (!isHostAllowed(target.host, allowed))
    throw failure(category, `host ${target.host} is not in the workflow's allowedHosts`, false);
  return target;
}

/**
 * The user allows each host once per workflow; until then the step waits for that confirmation. `secrets`: names the
 * request sends.
 */
export async function confirmHost(ctx: StepApi, host: string, secrets: readonly string[] = []): Promise<void> {
  if (await ctx.isHostApproved(host)) return;
  const answer = await ctx.waitForEvent({ kind: 'host', host }, undefined, {
    kind: 'host',
    stepKey: ctx.key,
    host,
    secrets: [...secrets],
  });
  const payload = answer.kind === 'timeout' ? undefined : (answer.event.payload as { approved?: boolean } | undefined);
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

/**
 * Sends the request under the step's retry policy, each attempt bounded by the step's `timeoutMs`
 * or the default for http. `build` runs per attempt (secrets are read at the moment of sending).
 */
export function sendHttp(
  ctx: StepApi,
  target: HttpTarget,
  build: (call: EffectCall) => Promise<HttpRequest>,
): Promise<HttpResponse> {
  return ctx.attempt(
    async (call) => {
      const request = await build(call);
      if (carriesIdempotencyKey(request.method)) request.headers['idempotency-key'] ??= call.idempotencyKey;
      const answer = await ctx.http({ ...request, url: withHost(request.url, target) }, call);
      if (answer.status >= 400) {
        throw new StepFailure(
          httpError(answer.status, answer.statusText, answer.headers['retry-after'] ?? null, target.host, ctx.now()),
        );
      }
      return answer;
    },
    { defaultMs: EFFECT_TIMEOUT_MS.http, what: 'an http request' },
  );
}

/** The request goes to the host that was checked and confirmed, in its normal form, and nowhere else. */
function withHost(url: string, target: HttpTarget): string {
  const sent = httpTargetOf(url);
  if (!sent || sent.host !== target.host || sent.url.protocol !== target.url.protocol) {
    throw failure('internal', `the request URL no longer names ${target.host}`, false);
  }
  return sent.url.toString();
}
