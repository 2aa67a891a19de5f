import { fnv1a32 } from '../schema/hash';
import type { RetryPolicy } from '../schema/steps';
import type { ErrorCategory, StepError } from './records';
import { errorMessage } from '../schema/errorMessage';

export interface EffectiveRetryPolicy {
  maxRetries: number;
  backoffMs: number;
  exponentialBase: number;
  maxBackoffMs: number;
  jitter: boolean;
}

export const DEFAULT_RETRY_POLICY: EffectiveRetryPolicy = {
  maxRetries: 2,
  backoffMs: 1000,
  exponentialBase: 2,
  maxBackoffMs: 5 * 60_000,
  jitter: true,
};

/** The step's override on top of the workflow's policy on top of the defaults. */
export function resolveRetryPolicy(workflow?: Partial<RetryPolicy>, step?: Partial<RetryPolicy>): EffectiveRetryPolicy {
  const pick = <K extends keyof EffectiveRetryPolicy>(key: K): EffectiveRetryPolicy[K] =>
    (step?.[key] ?? workflow?.[key] ?? DEFAULT_RETRY_POLICY[key]) as EffectiveRetryPolicy[K];
  return {
    maxRetries: pick('maxRetries'),
    backoffMs: pick('backoffMs'),
    exponentialBase: pick('exponentialBase'),
    maxBackoffMs: pick('maxBackoffMs'),
    jitter: pick('jitter'),
  };
}

/**
 * Delay before attempt `failedAttempt + 1`: backoff × base^(n-1), capped, with ±50% jitter seeded by
 * the step key (a replay computes the same delay). A server's Retry-After wins when it is longer.
 */
export function retryDelayMs(
  policy: EffectiveRetryPolicy,
  failedAttempt: number,
  seedKey: string,
  retryAfterMs?: number,
): number {
  const exponential = policy.backoffMs * policy.exponentialBase ** (failedAttempt - 1);
  let delay = Math.min(exponential, policy.maxBackoffMs);
  if (policy.jitter) delay = delay * (0.5 + hashUnit(`${seedKey}#${failedAttempt}`));
  return Math.round(Math.max(delay, retryAfterMs ?? 0));
}

/** A stable number in [0, 1) from a string (FNV-1a). */
export function hashUnit(text: string): number {
  return fnv1a32(text) / 2 ** 32;
}

/** An error a runner throws when it knows what kind of failure it is. */
export class StepFailure extends Error {
  override name = 'StepFailure';
  constructor(readonly stepError: StepError) {
    super(stepError.message);
  }
}

export function failure(
  category: ErrorCategory,
  message: string,
  retryable: boolean,
  retryAfterMs?: number,
): StepFailure {
  const stepError: StepError = { message, category, retryable };
  if (retryAfterMs !== undefined) stepError.retryAfterMs = retryAfterMs;
  return new StepFailure(stepError);
}

const NOT_RETRYABLE = new Set(['TemplateError', 'ExpressionError', 'InvalidWorkflowError', 'TypeError', 'RangeError']);

/** Any thrown value → a StepError. Unknown failures are retryable: a flaky runner gets its retries. */
export function toStepError(error: unknown): StepError {
  if (error instanceof StepFailure) return error.stepError;
  const message = errorMessage(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'TemplateError' || name === 'ExpressionError')
    return { message, category: 'expression', retryable: false };
  if (NOT_RETRYABLE.has(name)) return { message, category: 'internal', retryable: false };
  return { message: message || 'step failed', category: 'internal', retryable: true };
}

/** HTTP status → StepError: 400/401/403 are final, 408/429/5xx retry (Retry-After honoured). */
export function httpError(
  status: number,
  statusText: string,
  retryAfter: string | null,
  what: string,
  now: number,
): StepError {
  const retryAfterMs = parseRetryAfter(retryAfter, now);
  const base = `${what} answered ${status}${statusText ? ` ${statusText}` : ''}`;
  const withDelay = (e: StepError): StepError => (retryAfterMs === undefined ? e : { ...e, retryAfterMs });
  if (status === 401 || status === 403)
    return { message: `${base}: the key or credentials were rejected`, category: 'auth', retryable: false };
  if (status === 429) return withDelay({ message: `${base}: rate limited`, category: 'rate-limit', retryable: true });
  if (status >= 500) return withDelay({ message: base, category: 'server', retryable: true });
  if (status === 408) return { message: base, category: 'network', retryable: true };
  return { message: base, category: 'client', retryable: false };
}

/** `Retry-After: 3` or an HTTP date → ms from now. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 24 * 3_600_000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.min(date - now, 24 * 3_600_000));
}
