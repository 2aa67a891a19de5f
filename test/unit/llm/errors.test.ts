import { afterEach, describe, expect, it, vi } from 'vitest';
import { StepFailure } from '../../../src/engine/retry';
import { scrub } from '../../../src/llm/errors';
import { createHarness, modelCall, rejectionOf, round, TEST_KEY, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  vi.unstubAllGlobals();
  await h?.close();
  h = undefined;
});

async function failureOf(promise: Promise<unknown>): Promise<StepFailure> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(StepFailure);
  return error as StepFailure;
}

/** Everything a thrown error could show: message, stack, cause chain, own enumerable fields. */
function everythingShown(error: unknown): string {
  const seen: string[] = [];
  for (
    let e: unknown = error, depth = 0;
    e !== undefined && depth < 10;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (e instanceof Error) seen.push(e.message, e.stack ?? '', JSON.stringify(e), String(e));
    else seen.push(JSON.stringify(e) ?? String(e));
  }
  return seen.join('\n');
}

/** A port nothing listens on: bound, then closed. */
/** Port 1 (tcpmux) is never served here: a freed ephemeral port could be taken by a parallel test. */
async function closedPort(): Promise<number> {
  return 1;
}

describe('HTTP failures', () => {
  it.each(['Test Provider', 'Test OpenAI'])(
    'a 401 from %s is an auth error, not retried, and never shows the key',
    async (provider) => {
      h = await createHarness();
      h.server.script({ status: 401 });
      const error = await failureOf(h.runner(round({ provider }), modelCall()));
      expect(error.stepError).toEqual({ category: 'auth', retryable: false, message: `key rejected by ${provider}` });
      expect(everythingShown(error)).not.toContain(TEST_KEY);
      expect(everythingShown(error)).not.toContain('SECRET');
    },
  );

  it('a 403 is an auth error too', async () => {
    h = await createHarness();
    h.server.script({ status: 403 });
    const error = await failureOf(h.runner(round(), modelCall()));
    expect(error.stepError).toMatchObject({ category: 'auth', retryable: false });
  });

  it('a 429 with Retry-After: 7 is a retryable rate limit after 7000 ms', async () => {
    h = await createHarness();
    h.server.script({ status: 429, headers: { 'retry-after': '7' } });
    const error = await failureOf(h.runner(round(), modelCall()));
    expect(error.stepError).toEqual({
      category: 'rate-limit',
      retryable: true,
      retryAfterMs: 7000,
      message: 'rate limited by Test Provider',
    });
  });

  it('a 429 for an exhausted quota is not retried', async () => {
    h = await createHarness();
    h.server.script({
      status: 429,
      body: {
        error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' },
      },
    });
    const error = await failureOf(h.runner(round(), modelCall()));
    expect(error.stepError).toMatchObject({ category: 'client', retryable: false });
    expect(error.message).toMatch(/out of quota/);
  });

  it('a 500 is a retryable server error with the server message, the key scrubbed from it', async () => {
    h = await createHarness();
    h.server.script({
      status: 500,
      body: { error: { message: `upstream failed for Bearer ${TEST_KEY} and ${TEST_KEY}`, type: 'server_error' } },
    });
    const error = await failureOf(h.runner(round(), modelCall()));
    expect(error.stepError).toMatchObject({ category: 'server', retryable: true });
    expect(error.message).toMatch(/^Test Provider answered 500: upstream failed/);
    expect(everythingShown(error)).not.toContain(TEST_KEY);
  });

  it('a 404 for an unknown model is a client error, not retried', async () => {
    h = await createHarness();
    h.server.script({
      status: 404,
      body: { error: { message: 'model "nope" not found', type: 'invalid_request_error' } },
    });
    const error = await failureOf(h.runner(round({ model: 'nope' }), modelCall()));
    expect(error.stepError).toEqual({
      category: 'client',
      retryable: false,
      message: 'Test Provider answered 404: model "nope" not found',
    });
  });

  it('shows the body of an error a compatible server shapes its own way', async () => {
    h = await createHarness();
    h.server.script({ status: 404, body: { error: 'model "llama9" not found, try pulling it first' } });
    const error = await failureOf(h.runner(round({ model: 'llama9' }), modelCall()));
    expect(error.message).toBe(
      'Test Provider answered 404: Not Found: {"error":"model \\"llama9\\" not found, try pulling it first"}',
    );
  });
});

describe('network failures', () => {
  it('a refused connection is a retryable network error', async () => {
    const port = await closedPort();
    h = await createHarness({
      providers: () => [
        { id: 'gone', name: 'Gone', kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` },
      ],
    });
    const error = await failureOf(h.runner(round(), modelCall()));
    expect(error.stepError).toMatchObject({ category: 'network', retryable: true });
    expect(error.message).toMatch(/^could not reach Gone: /);
  });

  it('says the browser is offline when navigator.onLine is false', async () => {
    vi.stubGlobal('navigator', { onLine: false });
    const port = await closedPort();
    h = await createHarness({
      providers: () => [
        { id: 'gone', name: 'Gone', kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` },
      ],
    });
    const error = await failureOf(h.runner(round(), modelCall()));
    expect(error.stepError).toEqual({ category: 'network', retryable: true, message: 'the browser is offline' });
  });

  /** What a browser does when the server answers without CORS headers: a bare TypeError, while no-cors works. */
  function corsBlockingFetch(): typeof fetch {
    return (input, init) =>
      init?.mode === 'no-cors' ? fetch(input, init) : Promise.reject(new TypeError('Failed to fetch'));
  }

  it('tells a CORS block from a network error: reachable without CORS → client error naming the fix', async () => {
    h = await createHarness({ fetch: corsBlockingFetch() });
    const error = await failureOf(h.runner(round(), modelCall()));
    expect(error.stepError).toMatchObject({ category: 'client', retryable: false });
    expect(error.message).toMatch(/CORS/);
    expect(error.message).toMatch(/OLLAMA_ORIGINS=\*/);
    expect(h.server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1' });
  });

  it('calls an unreachable server a network error even when the browser hides the reason', async () => {
    const port = await closedPort();
    h = await createHarness({
      fetch: corsBlockingFetch(),
      providers: () => [
        { id: 'gone', name: 'Gone', kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` },
      ],
    });
    const error = await failureOf(h.runner(round(), modelCall()));
    expect(error.stepError).toMatchObject({ category: 'network', retryable: true });
  });
});

describe('answers that break off', () => {
  it.each(['Test Provider', 'Test OpenAI'])(
    'a stream from %s cut mid-answer is a retryable network error, not the 200 it began with',
    async (provider) => {
      h = await createHarness();
      h.server.script({ fault: 'cut', afterEvents: 3, text: 'one two three four five six' });
      const call = modelCall();
      const error = await failureOf(h.runner(round({ provider }), call));
      expect(error.stepError).toEqual({
        category: 'network',
        retryable: true,
        message: `the connection to ${provider} dropped before its answer was complete`,
      });
      expect(call.deltas.length).toBeGreaterThan(0);
    },
  );

  it.each(['stall', 'hang'] as const)(
    'a response that never ends (%s) ends when the step times out, with the timeout as the reason',
    async (fault) => {
      h = await createHarness();
      h.server.script({ fault, afterEvents: 3 });
      const controller = new AbortController();
      const pending = h.runner(round(), modelCall(controller.signal));
      const timeout = new StepFailure({ category: 'timeout', message: 'step timed out after 200 ms', retryable: true });
      setTimeout(() => controller.abort(timeout), 200);
      expect(await rejectionOf(pending)).toBe(timeout);
      await vi.waitFor(() => expect(h!.server.closedEarly).toBe(1));
    },
  );
});

describe('abort', () => {
  it('stops the request, the server sees the connection close, and the abort is rethrown as is', async () => {
    h = await createHarness();
    h.server.setChunkDelay(50);
    h.server.script({ text: Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ') });
    const controller = new AbortController();
    const call = modelCall(controller.signal);
    const pending = h.runner(round(), call);
    await vi.waitFor(() => expect(call.deltas.length).toBeGreaterThan(1));
    const reason = new DOMException('step cancelled', 'AbortError');
    controller.abort(reason);
    const error = await rejectionOf(pending);
    expect(error).toBe(reason);
    await vi.waitFor(() => expect(h!.server.closedEarly).toBe(1));
    expect(call.deltas.length).toBeLessThan(40);
  });

  it('passes a StepFailure abort reason (the step timeout) through untouched', async () => {
    h = await createHarness();
    h.server.setChunkDelay(50);
    h.server.script({ text: 'a b c d e f g h i j k l m n o p' });
    const controller = new AbortController();
    const pending = h.runner(round(), modelCall(controller.signal));
    const timeout = new StepFailure({ category: 'timeout', message: 'step timed out after 100 ms', retryable: true });
    setTimeout(() => controller.abort(timeout), 20);
    expect(await rejectionOf(pending)).toBe(timeout);
  });
});

describe('scrub', () => {
  it('removes the key and key-shaped secrets from any text', () => {
    const text = `bad key ${TEST_KEY}; other sk-proj-abcdefgh1234; header Bearer abc.def`;
    expect(scrub(text, TEST_KEY)).toBe('bad key [key]; other [key]; header Bearer [key]');
  });
});
