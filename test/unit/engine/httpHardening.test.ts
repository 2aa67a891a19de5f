import { afterEach, describe, expect, it } from 'vitest';
import type { ModelReply, ModelRunner } from '../../../src/engine/llmTypes';
import type { StepRecord } from '../../../src/engine/records';
import { EFFECT_TIMEOUT_MS } from '../../../src/schema/limits';
import { hostOfUrl } from '../../../src/schema/hosts';
import { fetchHttp, REDIRECT_REFUSED } from '../../../src/worker/httpRunner';
import { startEffectServer, type EffectServer } from '../../browser/effectServer';
import { createTestEngine } from '../../support/engine';
import { chain, http, llm } from '../../support/flows';

/** http steps and the http_request tool over real HTTP (Node's fetch, the worker's runner) on a fake clock. */
const servers: EffectServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(): Promise<EffectServer> {
  const started = await startEffectServer(0);
  servers.push(started);
  return started;
}

const fast = { maxRetries: 1, backoffMs: 10, jitter: false };
const outcomes = (record: StepRecord | undefined) => record?.attempts.map((a) => a.outcome);

describe('http steps cannot hang', () => {
  it('a server that never answers: the default timeout ends each attempt and the retry policy applies', async () => {
    const s = await server();
    const t = createTestEngine({ runners: { http: fetchHttp } });
    const workflow = chain('hang', [{ ...http('call', `${s.origin}/hang`, { method: 'GET' }), retryPolicy: fast }], {
      allowedHosts: [s.host],
    });
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      category: 'timeout',
      message: expect.stringContaining(`${EFFECT_TIMEOUT_MS.http / 1000} s, the default for an http request`),
    });
    const record = t.data.steps.get(`${run.id}:call@`);
    expect(outcomes(record)).toEqual(['timeout', 'timeout']);
    expect(record!.attempts[0]!.endedAt! - record!.attempts[0]!.startedAt).toBe(EFFECT_TIMEOUT_MS.http);
    expect(s.log.filter((r) => r.path === '/hang')).toHaveLength(2);
  });

  it('a body that stalls after the headers times out too, then a retry that answers completes', async () => {
    const s = await server();
    let calls = 0;
    const t = createTestEngine({
      runners: {
        http: (request, call) => fetchHttp(++calls === 1 ? { ...request, url: `${s.origin}/stall` } : request, call),
      },
    });
    const workflow = chain('stall', [{ ...http('call', `${s.origin}/ok`, { method: 'GET' }), retryPolicy: fast }], {
      allowedHosts: [s.host],
    });
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('completed');
    expect(outcomes(t.data.steps.get(`${run.id}:call@`))).toEqual(['timeout', 'ok']);
    expect(run.output).toMatchObject({ status: 200, body: { path: '/ok' } });
  });

  it("the step's timeoutMs bounds the attempt instead of the default", async () => {
    const s = await server();
    const t = createTestEngine({ runners: { http: fetchHttp } });
    const workflow = chain(
      'own-timeout',
      [{ ...http('call', `${s.origin}/hang-once/a`, { method: 'GET' }), timeoutMs: 1500, retryPolicy: fast }],
      { allowedHosts: [s.host] },
    );
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('completed');
    const record = t.data.steps.get(`${run.id}:call@`)!;
    expect(outcomes(record)).toEqual(['timeout', 'ok']);
    expect(record.attempts[0]!.endedAt! - record.attempts[0]!.startedAt).toBe(1500);
  });

  it('a connection that drops in the middle of the body is a network failure, and retried', async () => {
    const s = await server();
    const t = createTestEngine({ runners: { http: fetchHttp } });
    const workflow = chain(
      'cut',
      [{ ...http('call', `${s.origin}/cut-once/a`, { method: 'GET' }), retryPolicy: fast }],
      { allowedHosts: [s.host] },
    );
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('completed');
    const record = t.data.steps.get(`${run.id}:call@`)!;
    expect(outcomes(record)).toEqual(['error', 'ok']);
    expect(record.attempts[0]!.error).toMatchObject({ category: 'network', retryable: true });
  });
});

describe('redirects never carry a request further', () => {
  it('a confirmed host answering 307 to another port: the POST, its body and its secret never get there', async () => {
    const [confirmed, other] = [await server(), await server()];
    const t = createTestEngine({ secrets: { TOKEN: 'sk-redirect-secret' }, runners: { http: fetchHttp } });
    const url = `${confirmed.origin}/redirect?to=${encodeURIComponent(`${other.origin}/steal`)}`;
    const workflow = chain(
      'redirect',
      [
        {
          ...http('call', url, { headers: { authorization: 'Bearer {{secrets.TOKEN}}' }, body: { order: 1 } }),
          retryPolicy: { maxRetries: 3, backoffMs: 1 },
        },
      ],
      { allowedHosts: [confirmed.host, other.host], secrets: { TOKEN: { kind: 'local' } } },
    );
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      category: 'client',
      retryable: false,
      message: `${confirmed.host}: ${REDIRECT_REFUSED}`,
    });
    expect(outcomes(t.data.steps.get(`${run.id}:call@`))).toEqual(['error']);
    expect(confirmed.log.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(other.log).toEqual([]);
  });

  it('the http_request tool refuses the redirect the same way and tells the model', async () => {
    const [confirmed, other] = [await server(), await server()];
    const url = `${confirmed.origin}/redirect?to=${encodeURIComponent(`${other.origin}/steal`)}`;
    const rounds: unknown[] = [];
    const model: ModelRunner = async (round) => {
      const tool = round.messages.find((m) => m.role === 'tool');
      rounds.push(tool);
      const reply: ModelReply = {
        text: tool ? 'done' : '',
        toolCalls: tool ? [] : [{ id: 'c1', name: 'http_request', args: { url, method: 'POST', body: { a: 1 } } }],
        finishReason: 'stop',
        usage: {},
        provider: 'test',
        model: 'm',
      };
      return reply;
    };
    const t = createTestEngine({ runners: { http: fetchHttp, model } });
    const workflow = chain('tool-redirect', [llm('ask', 'fetch it', { tools: ['http_request'] })], {
      allowedHosts: [confirmed.host, other.host],
    });
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('completed');
    expect(rounds[1]).toMatchObject({ role: 'tool', result: { error: `${confirmed.host}: ${REDIRECT_REFUSED}` } });
    expect(other.log).toEqual([]);
  });
});

describe('a host written another way matches its consent', () => {
  it(
    'decimal IPv4: the step waits for 127.0.0.1:PORT, ' +
      'the answer the prompt sends lets it run, the request reaches the server',
    async () => {
      const s = await server();
      const approved = new Set<string>();
      const t = createTestEngine({
        secrets: { KEY: 'k-123456' },
        deps: { isHostApproved: async (_hash, host) => approved.has(host) },
        runners: { http: fetchHttp },
      });
      const workflow = chain(
        'decimal',
        [http('call', `http://2130706433:${s.port}/ok`, { headers: { 'x-api-key': '{{secrets.KEY}}' } })],
        { allowedHosts: [`127.0.0.1:${s.port}`], secrets: { KEY: { kind: 'local' } } },
      );
      const id = await t.engine.start({ workflow, input: {} });
      await t.quiesce();
      expect(t.data.runs.get(id)).toMatchObject({
        status: 'waiting',
        waits: [{ kind: 'host', stepKey: `${id}:call@`, host: `127.0.0.1:${s.port}`, secrets: ['KEY'] }],
      });
      const waiting = t.data.steps.get(`${id}:call@`)!;
      expect(waiting.input).toMatchObject({
        url: `http://127.0.0.1:${s.port}/ok`,
        sendsSecrets: ['KEY'],
        headers: { 'x-api-key': '{{secrets.KEY}}' },
      });
      // What the consent prompt derives from the record, and what Allow sends.
      const host = hostOfUrl((waiting.input as { url: string }).url)!;
      approved.add(host);
      await t.engine.confirmHost(id, host, true);
      const run = await t.runToEnd(id);
      expect(run.status).toBe('completed');
      expect(s.log.filter((r) => r.path === '/ok').map((r) => r.headers['x-api-key'])).toEqual(['k-123456']);
      expect(JSON.stringify([...t.data.steps.values()])).not.toContain('k-123456');
    },
  );
});
