import { describe, expect, it } from 'vitest';
import { requestLimitFromEnv } from '../../../src/cli/environment';

describe('the worker’s provider request limit from the environment', () => {
  it('reads N/Ss, a per-minute number and a concurrency; none is no limit', () => {
    expect(requestLimitFromEnv({})).toEqual({ ok: true });
    expect(requestLimitFromEnv({ TABFLOW_REQUEST_LIMIT: '3/2s' })).toEqual({
      ok: true,
      limit: { rate: { limitPerPeriod: 3, periodSec: 2 } },
    });
    expect(requestLimitFromEnv({ TABFLOW_REQUESTS_PER_MINUTE: '500', TABFLOW_CONCURRENT_REQUESTS: '4' })).toEqual({
      ok: true,
      limit: { rate: { limitPerPeriod: 500, periodSec: 60 }, concurrent: 4 },
    });
    expect(requestLimitFromEnv({ TABFLOW_CONCURRENT_REQUESTS: '2' })).toEqual({ ok: true, limit: { concurrent: 2 } });
  });

  it('names the variable it cannot read, and refuses two ways of saying the rate', () => {
    const message = (env: Record<string, string>) => {
      const parsed = requestLimitFromEnv(env);
      return parsed.ok ? undefined : parsed.message;
    };
    expect(message({ TABFLOW_REQUEST_LIMIT: '3 per second' })).toBe(
      'TABFLOW_REQUEST_LIMIT must look like 500/60s (got "3 per second")',
    );
    expect(message({ TABFLOW_REQUEST_LIMIT: '0/2s' })).toContain('TABFLOW_REQUEST_LIMIT must look like');
    expect(message({ TABFLOW_REQUESTS_PER_MINUTE: '2.5' })).toBe(
      'TABFLOW_REQUESTS_PER_MINUTE must be a whole number of at least 1 (got "2.5")',
    );
    expect(message({ TABFLOW_CONCURRENT_REQUESTS: 'lots' })).toContain('TABFLOW_CONCURRENT_REQUESTS must be');
    expect(message({ TABFLOW_REQUEST_LIMIT: '3/2s', TABFLOW_REQUESTS_PER_MINUTE: '60' })).toBe(
      'set TABFLOW_REQUEST_LIMIT or TABFLOW_REQUESTS_PER_MINUTE, not both',
    );
  });
});
