import { describe, expect, it } from 'vitest';
import { actionHandler, conditionHandler } from '../../../src/engine/handlers/basic';
import { waitHandler } from '../../../src/engine/handlers/waits';
import type { RunRecord, StepRecord } from '../../../src/engine/records';
import { StepFailure } from '../../../src/engine/retry';
import type { HttpRequest, HttpResponse } from '../../../src/engine/runtime';
import type { BeginFields, StepApi } from '../../../src/engine/stepApi';
import { evaluateCondition, evaluateExpression } from '../../../src/schema/expression';
import type { StepOf } from '../../../src/schema/steps';
import { resolveTemplates, type TemplateScope } from '../../../src/schema/template';

/**
 * Handlers against a fake StepApi: no driver, no journal, no store. The fake records what the
 * handler asked for, in order, so each test reads as "given this port, the handler did that".
 */

const NOW = 1_700_000_000_000;
const KEY = 'run1:s@';

interface FakeOptions {
  scope?: Partial<TemplateScope>;
  /** A record loaded at resume: `begin` returns it instead of a new one. */
  existing?: Partial<StepRecord>;
  allowedHosts?: string[];
  approvedHosts?: string[];
  secrets?: Record<string, string>;
  http?: (request: HttpRequest) => Promise<HttpResponse>;
  /** What a host-confirmation wait answers. */
  confirm?: { approved: boolean };
}

function fakeApi(step: { stepSlug: string; stepType: string }, options: FakeOptions = {}) {
  const calls: string[] = [];
  const requests: HttpRequest[] = [];
  let record: StepRecord | undefined = options.existing
    ? ({ key: KEY, status: 'started', attempts: [], ...options.existing } as StepRecord)
    : undefined;
  const scope: TemplateScope = { input: {}, steps: {}, variables: {}, ...options.scope };
  const signal = new AbortController().signal;
  const unused = (name: string) => () => {
    throw new Error(`${name} is not part of this handler's use of the port`);
  };
  const api: StepApi = {
    step: step as never,
    key: KEY,
    frame: { path: '', loop: undefined, signal },
    signal,
    logicalNow: NOW,
    run: { id: 'run1', workflowHash: 'h', depth: 0 } as RunRecord,
    workflow: {
      name: 'w',
      config: { allowedHosts: options.allowedHosts ?? [], retryPolicy: { maxRetries: 0, backoffMs: 0 } },
    } as StepApi['workflow'],
    now: () => NOW,
    resolve: (value, resolveOptions) => resolveTemplates(value, scope, resolveOptions),
    evaluate: (source) => evaluateExpression(source, scope, { nowMs: NOW, seed: KEY }),
    condition: (source) => evaluateCondition(source, scope, { nowMs: NOW, seed: KEY }),
    setMeta: unused('setMeta'),
    hasRecordAt: unused('hasRecordAt'),
    checkpoint: unused('checkpoint'),
    loadHistory: unused('loadHistory'),
    begin(fields: BeginFields = {}) {
      calls.push(`begin ${JSON.stringify(fields)}`);
      record ??= { key: KEY, status: 'started', attempts: [], ...fields } as unknown as StepRecord;
      return record;
    },
    sync: async () => void calls.push('sync'),
    async attempt(effect) {
      calls.push('attempt');
      return effect({ idempotencyKey: KEY, attempt: 1, signal });
    },
    effect: unused('effect'),
    streamed: unused('streamed'),
    sleepUntil: async (at) => void calls.push(`sleep until ${at - NOW}`),
    async waitForEvent(address) {
      const name = JSON.stringify(address);
      calls.push(`wait for ${name}`);
      const payload = options.confirm;
      return payload
        ? { kind: 'event', event: { id: 'e1', runId: 'run1', name, payload, sentAt: NOW } }
        : { kind: 'timeout' };
    },
    queryTable: unused('queryTable'),
    completeWithTableUpdate: unused('completeWithTableUpdate'),
    bodies: unused('bodies'),
    runBody: unused('runBody'),
    outputAt: unused('outputAt'),
    runChild: unused('runChild'),
    secret: async (name) => options.secrets?.[name],
    isHostApproved: async (host) => options.approvedHosts?.includes(host) ?? false,
    async http(request) {
      calls.push(`http ${request.method} ${request.url}`);
      requests.push(request);
      if (!options.http) throw new Error('no http runner');
      return options.http(request);
    },
    recordedOutput: async () => undefined,
    untilModelReady: unused('untilModelReady'),
    model: unused('model'),
    threadMessages: unused('threadMessages'),
    keepMessage: unused('keepMessage'),
    spent: unused('spent'),
    spend: unused('spend'),
    budgetRaised: unused('budgetRaised'),
  };
  return { api, calls, requests, record: () => record };
}

const condition = (config: StepOf<'condition'>['config']) =>
  ({ stepSlug: 'route', name: 'Route', stepType: 'condition', config }) as StepOf<'condition'>;
const action = (config: StepOf<'action'>['config']) =>
  ({ stepSlug: 's', name: 'S', stepType: 'action', config }) as StepOf<'action'>;
const wait = (config: StepOf<'wait'>['config']) =>
  ({ stepSlug: 'w', name: 'W', stepType: 'wait', config }) as StepOf<'wait'>;

describe('condition handler', () => {
  const step = condition({
    rules: [
      { when: 'input.n > 10', next: 'big' },
      { when: 'input.n > 5', next: 'medium' },
    ],
    default: 'small',
  });

  it.each([
    [11, { status: 'ok', output: { matched: 0, branch: 'big' }, branch: 'big' }],
    [7, { status: 'ok', output: { matched: 1, branch: 'medium' }, branch: 'medium' }],
    [1, { status: 'ok', output: { matched: null, branch: 'small' }, branch: 'small' }],
  ])('n = %s → the first rule that holds, else the default', async (n, outcome) => {
    const fake = fakeApi(step, { scope: { input: { n } } });
    expect(await conditionHandler(step, fake.api)).toEqual(outcome);
    expect(fake.calls).toEqual([]); // side-effect free: nothing recorded, nothing awaited
  });

  it('without a default, no match follows the "default" branch key', async () => {
    const bare = condition({ rules: [{ when: 'false', next: 'never' }] });
    expect(await conditionHandler(bare, fakeApi(bare).api)).toEqual({
      status: 'ok',
      output: { matched: null, branch: null },
      branch: 'default',
    });
  });
});

describe('set and transform actions', () => {
  it("set resolves its values against the port's scope", async () => {
    const step = action({
      action: 'set',
      values: { who: '{{input.name}}', last: '{{steps.fetch.output.id}}', fixed: 3 },
    });
    const fake = fakeApi(step, { scope: { input: { name: 'Ada' }, steps: { fetch: { output: { id: 'cus_1' } } } } });
    expect(await actionHandler(step, fake.api)).toEqual({
      status: 'ok',
      output: { who: 'Ada', last: 'cus_1', fixed: 3 },
    });
    expect(fake.calls).toEqual([]);
  });

  it('transform evaluates its expression', async () => {
    const step = action({ action: 'transform', expression: '$sum(input.items.price)' });
    const fake = fakeApi(step, { scope: { input: { items: [{ price: 2 }, { price: 3.5 }] } } });
    expect(await actionHandler(step, fake.api)).toEqual({ status: 'ok', output: 5.5 });
  });
});

describe('wait handler', () => {
  it('records the absolute wake time and makes it durable before it sleeps', async () => {
    const step = wait({ durationMs: 60_000 });
    const fake = fakeApi(step);
    expect(await waitHandler(step, fake.api)).toEqual({ status: 'ok', output: { wokeAt: NOW + 60_000 } });
    expect(fake.calls).toEqual([
      `begin ${JSON.stringify({ status: 'waiting', wakeAt: NOW + 60_000 })}`,
      'sync',
      'sleep until 60000',
    ]);
  });

  it('on resume the recorded wake time wins over a new computation', async () => {
    const step = wait({ durationMs: 60_000 });
    const fake = fakeApi(step, { existing: { status: 'waiting', wakeAt: NOW + 5_000 } });
    expect(await waitHandler(step, fake.api)).toEqual({ status: 'ok', output: { wokeAt: NOW + 5_000 } });
    expect(fake.calls.at(-1)).toBe('sleep until 5000');
  });

  it('an "until" that is no time fails with what it got', async () => {
    const step = wait({ until: '{{input.when}}' });
    await expect(waitHandler(step, fakeApi(step, { scope: { input: { when: 'soon' } } }).api)).rejects.toThrow(
      '"until" must resolve to a date or a time in ms; got "soon"',
    );
  });
});

describe('http action', () => {
  const step = action({
    action: 'http',
    method: 'POST',
    url: 'https://API.example.com/orders',
    headers: { authorization: 'Bearer {{secrets.TOKEN}}' },
    body: { id: '{{input.id}}' },
  });
  const answered =
    (status: number): ((request: HttpRequest) => Promise<HttpResponse>) =>
    async () => ({
      status,
      statusText: status === 200 ? 'OK' : 'Server Error',
      headers: {},
      body: { ok: status === 200 },
    });

  it('sends to the allowed host with the secret read at send time; the record keeps the placeholder', async () => {
    const fake = fakeApi(step, {
      scope: { input: { id: 7 } },
      allowedHosts: ['api.example.com'],
      approvedHosts: ['api.example.com'],
      secrets: { TOKEN: 's3cret' },
      http: answered(200),
    });
    expect(await actionHandler(step, fake.api)).toEqual({
      status: 'ok',
      output: { status: 200, headers: {}, body: { ok: true } },
    });
    expect(fake.requests[0]).toEqual({
      method: 'POST',
      url: 'https://api.example.com/orders',
      body: '{"id":7}',
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json', 'idempotency-key': KEY },
    });
    expect(JSON.stringify(fake.record()?.input)).not.toContain('s3cret');
    expect(fake.record()?.input).toMatchObject({
      headers: { authorization: 'Bearer {{secrets.TOKEN}}' },
      sendsSecrets: ['TOKEN'],
    });
  });

  it('waits for the user to allow a host not yet approved, and never sends when refused', async () => {
    const fake = fakeApi(step, {
      scope: { input: { id: 7 } },
      allowedHosts: ['api.example.com'],
      secrets: { TOKEN: 's3cret' },
      confirm: { approved: false },
      http: answered(200),
    });
    await expect(actionHandler(step, fake.api)).rejects.toThrow('contacting api.example.com was not allowed');
    expect(fake.calls.filter((c) => !c.startsWith('begin'))).toEqual([
      'wait for {"kind":"host","host":"api.example.com"}',
    ]);
  });

  it('a host outside allowedHosts fails before anything is recorded or sent', async () => {
    const fake = fakeApi(step, { allowedHosts: ['other.example.com'], http: answered(200) });
    await expect(actionHandler(step, fake.api)).rejects.toThrow(
      "host api.example.com is not in the workflow's allowedHosts",
    );
    expect(fake.calls).toEqual([]);
  });

  it('a 5xx answer is a retryable server failure of the attempt', async () => {
    const fake = fakeApi(step, {
      scope: { input: { id: 7 } },
      allowedHosts: ['api.example.com'],
      approvedHosts: ['api.example.com'],
      secrets: { TOKEN: 'x' },
      http: answered(503),
    });
    const error = await actionHandler(step, fake.api).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailure);
    expect((error as StepFailure).stepError).toMatchObject({
      category: 'server',
      retryable: true,
      message: 'api.example.com answered 503 Server Error',
    });
  });
});
