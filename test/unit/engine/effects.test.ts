import { describe, expect, it } from 'vitest';
import { failure } from '../../../src/engine/retry';
import type { HttpRequest } from '../../../src/engine/runtime';
import { createTestEngine } from '../../support/engine';
import { chain, findThenMarkAtRisk, http, llm, set } from '../../support/flows';

describe('retries and timeouts', () => {
  it('retries a retryable error with recorded, growing backoff and then succeeds', async () => {
    let calls = 0;
    const t = createTestEngine({
      runners: {
        llm: async () => {
          if (++calls < 3) throw failure('server', 'provider answered 503', true);
          return 'ok';
        },
      },
    });
    const workflow = chain('flaky', [
      { ...llm('ask', 'x'), retryPolicy: { maxRetries: 3, backoffMs: 1000, jitter: false } },
    ]);
    const id = await t.engine.start({ workflow, input: {} });
    await t.quiesce();
    const first = t.data.steps.get(`${id}:ask@/r1`)!;
    expect(first.wakeAt).toBe(t.clock.now() + 1000);
    const run = await t.runToEnd(id);
    expect(run.output).toBe('ok');
    const record = t.data.steps.get(`${id}:ask@/r1`)!;
    expect(record.attempts.map((a) => a.outcome)).toEqual(['error', 'error', 'ok']);
    expect(record.attempts[2]!.startedAt - record.attempts[1]!.endedAt!).toBe(2000);
  });

  it('honours Retry-After from a 429', async () => {
    const requests: number[] = [];
    const t = createTestEngine({
      runners: {
        http: async () => {
          requests.push(t.clock.now());
          const headers: Record<string, string> = requests.length === 1 ? { 'retry-after': '30' } : {};
          return requests.length === 1
            ? { status: 429, statusText: 'Too Many Requests', headers, body: null }
            : { status: 200, statusText: 'OK', headers, body: { ok: true } };
        },
      },
    });
    const workflow = chain(
      'rate',
      [{ ...http('call', 'https://api.example.com/x'), retryPolicy: { backoffMs: 10, jitter: false } }],
      { allowedHosts: ['api.example.com'] },
    );
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.output).toMatchObject({ status: 200, body: { ok: true } });
    expect(requests[1]! - requests[0]!).toBe(30_000);
  });

  it('does not retry a rejected key (401) and says so', async () => {
    let calls = 0;
    const t = createTestEngine({
      runners: { http: async () => (calls++, { status: 401, statusText: 'Unauthorized', headers: {}, body: null }) },
    });
    const workflow = chain('auth', [http('call', 'https://api.example.com/x')], {
      allowedHosts: ['api.example.com'],
      retryPolicy: { maxRetries: 5, backoffMs: 1 },
    });
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(calls).toBe(1);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      category: 'auth',
      message: expect.stringMatching(/api\.example\.com answered 401.*rejected/),
    });
  });

  it("a step timeout fires the attempt's AbortSignal and follows the timeout branch", async () => {
    let aborted = false;
    const t = createTestEngine({
      runners: {
        llm: (_req, call) =>
          new Promise((_resolve, reject) =>
            call.signal.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('aborted'));
            }),
          ),
      },
    });
    const workflow = chain('slow', [
      {
        ...llm('ask', 'x'),
        timeoutMs: 5000,
        retryPolicy: { maxRetries: 0 },
        nextSteps: { success: 'fine', timeout: 'late' },
      },
      set('fine', { fine: 1 }, {}),
      set('late', { late: true }, {}),
    ]);
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(aborted).toBe(true);
    expect(run.output).toEqual({ late: true });
  });

  it('the run timeout counts running time and fails the run when it is used up', async () => {
    const t = createTestEngine({
      runners: {
        llm: (_req, call) =>
          new Promise((_resolve, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason))),
      },
    });
    const workflow = chain('budget', [llm('ask', 'x')], { timeout: 10_000 });
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      category: 'timeout',
      message: expect.stringMatching(/10000 ms of running time/),
    });
  });
});

describe('local tables', () => {
  it("a table update commits with the step's completion and happens once", async () => {
    const t = createTestEngine();
    t.data.table('customers').set('c1', { id: 'c1', name: 'Ada', status: 'active', visits: 1 });
    const workflow = findThenMarkAtRisk();
    const run = await t.runToEnd(await t.engine.start({ workflow, input: { value: 'c1' } }));
    expect(t.data.steps.get(`${run.id}:find@`)?.output).toMatchObject({ count: 1, rows: [{ name: 'Ada' }] });
    expect(run.output).toMatchObject({ updated: 1, rows: [{ id: 'c1', status: 'at_risk' }] });
    expect(t.data.table('customers').get('c1')).toMatchObject({ status: 'at_risk', visits: 1 });
  });
});

describe('http', () => {
  it('only POST and PATCH carry an idempotency-key header: a GET stays a CORS simple request', async () => {
    const seen: HttpRequest[] = [];
    const t = createTestEngine({
      runners: { http: async (req) => (seen.push(req), { status: 200, statusText: 'OK', headers: {}, body: '{}' }) },
    });
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const workflow = chain(
      'methods',
      methods.map((method) => http(method.toLowerCase(), 'https://api.example.com/items', { method })),
      { allowedHosts: ['api.example.com'] },
    );
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('completed');
    expect(seen.map((req) => [req.method, req.headers['idempotency-key'] !== undefined])).toEqual([
      ['GET', false],
      ['POST', true],
      ['PUT', false],
      ['PATCH', true],
      ['DELETE', false],
    ]);
  });

  it('resolves secrets only into the request: the journal keeps the template', async () => {
    const seen: HttpRequest[] = [];
    const t = createTestEngine({
      secrets: { TOKEN: 'sk-very-secret' },
      runners: { http: async (req) => (seen.push(req), { status: 200, statusText: 'OK', headers: {}, body: 'fine' }) },
    });
    const workflow = chain(
      'secret',
      [
        http('call', 'https://api.example.com/items/{{input.value}}', {
          headers: { Authorization: 'Bearer {{secrets.TOKEN}}' },
          body: { id: '{{input.value}}' },
        }),
      ],
      { allowedHosts: ['api.example.com'], secrets: { TOKEN: { kind: 'local' } } },
    );
    const run = await t.runToEnd(await t.engine.start({ workflow, input: { value: 7 } }));
    expect(run.status).toBe('completed');
    expect(seen[0]).toMatchObject({
      url: 'https://api.example.com/items/7',
      headers: { Authorization: 'Bearer sk-very-secret', 'idempotency-key': `${run.id}:call@` },
      body: '{"id":7}',
    });
    const everything = JSON.stringify([...t.data.steps.values(), ...t.data.runs.values()]);
    expect(everything).not.toContain('sk-very-secret');
    expect(everything).toContain('Bearer {{secrets.TOKEN}}');
  });

  it('waits for the user to allow a host once before the first request', async () => {
    const approved = new Set<string>();
    const t = createTestEngine({
      deps: { isHostApproved: async (_hash, host) => approved.has(host) },
      runners: { http: async () => ({ status: 204, statusText: 'No Content', headers: {}, body: null }) },
    });
    const workflow = chain('ask-host', [http('call', 'https://api.example.com/x')], {
      allowedHosts: ['api.example.com'],
    });
    const id = await t.engine.start({ workflow, input: {} });
    await t.quiesce();
    expect(t.data.runs.get(id)).toMatchObject({
      status: 'waiting',
      waits: [{ kind: 'host', stepKey: `${id}:call@`, host: 'api.example.com', secrets: [] }],
    });
    approved.add('api.example.com');
    await t.engine.confirmHost(id, 'api.example.com', true);
    expect((await t.runToEnd(id)).status).toBe('completed');
  });
});
