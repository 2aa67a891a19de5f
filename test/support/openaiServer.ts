import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A small OpenAI-compatible server on 127.0.0.1 for tests of the real HTTP path: Chat Completions
 * (stream and not), the Responses API (stream) and the model list. Replies come from a script the
 * test pushes, else a deterministic echo of the last user message; every request is recorded.
 */
export type ScriptedReply = (
  | { text: string }
  | { json: unknown }
  | { toolCalls: Array<{ name: string; args: unknown }>; text?: string }
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { fault: StreamFault; text?: string; afterEvents?: number }
) & { usage?: Partial<TokenCounts> };

/**
 * Provider faults, for retry tests: `cut` streams `afterEvents` events of the answer and drops the
 * connection; `stall` streams them and then sends nothing more, never ending; `hang` accepts the
 * request and never answers.
 */
export type StreamFault = 'cut' | 'stall' | 'hang';

export interface TokenCounts {
  input: number;
  output: number;
  cached: number;
  reasoning: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed JSON body (undefined for GET). */
  body: any;
  authorization: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** The whole reply was written (false: still going, or the client went away first). */
  answered: boolean;
  /** When its body had arrived, and when its reply was written whole (Date.now()). */
  receivedAt: number;
  answeredAt?: number;
}

/**
 * Requests and full answers per idempotency key: the `idempotency-key` header, or — for clients that send
 * none, as the AI SDK's chat client — the last user message (a test makes each step's prompt unique).
 */
export function countByIdempotencyKey(requests: readonly RecordedRequest[]) {
  const counts = new Map<string, { requests: number; answered: number }>();
  for (const request of requests) {
    if (request.method !== 'POST') continue;
    const header = request.headers['idempotency-key'];
    const key = typeof header === 'string' ? header : lastUserText(request.body);
    const count = counts.get(key) ?? { requests: 0, answered: 0 };
    count.requests++;
    if (request.answered) count.answered++;
    counts.set(key, count);
  }
  return counts;
}

export interface OpenAIServer {
  /** Base URL including `/v1`, as a provider entry's `baseUrl`. */
  url: string;
  requests: RecordedRequest[];
  /** Requests whose client went away before the reply finished (aborts). */
  readonly closedEarly: number;
  script(...replies: ScriptedReply[]): void;
  setChunkDelay(ms: number): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;
const MAX_RECORDED = 1000;

export async function startOpenAIServer(
  /** `apiKey`: answers (not the model list, which stays open as on many servers) need this bearer key, else 401. */
  options: { chunkDelayMs?: number; models?: string[]; apiKey?: string } = {},
): Promise<OpenAIServer> {
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const state = { chunkDelayMs: options.chunkDelayMs ?? 0, closedEarly: 0, ids: 0 };
  const nextId = () => ++state.ids;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setCors(res);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const raw = await readBody(req);
    const body = raw ? JSON.parse(raw) : undefined;
    const path = (req.url ?? '/').split('?')[0]!;
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      body,
      authorization: req.headers.authorization,
      headers: { ...req.headers },
      answered: false,
      receivedAt: Date.now(),
    };
    if (requests.length < MAX_RECORDED) requests.push(recorded);
    res.on('finish', () => void ((recorded.answered = true), (recorded.answeredAt = Date.now())));
    res.on('close', () => {
      if (!res.writableFinished) state.closedEarly++;
    });
    if (req.method === 'GET' && path === '/v1/models')
      return void sendJson(res, 200, modelList(options.models ?? ['test-model']));
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/responses')) {
      return void sendJson(res, 404, {
        error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' },
      });
    }
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`)
      return void sendError(res, { status: 401 }, req.headers.authorization);
    const reply = queue.shift() ?? echo(body);
    if ('status' in reply) return void sendError(res, reply, req.headers.authorization);
    if ('fault' in reply && reply.fault === 'hang') return;
    const answer = toAnswer(
      'fault' in reply ? { text: reply.text ?? 'an answer that never arrives whole' } : reply,
      nextId,
    );
    const fault = 'fault' in reply ? { kind: reply.fault, afterEvents: reply.afterEvents ?? 3 } : undefined;
    if (path === '/v1/responses') return streamEvents(res, responsesEvents(body, answer, nextId), false, fault);
    if (body?.stream) return streamEvents(res, chatChunks(body, answer), true, fault);
    sendJson(res, 200, chatCompletion(body, answer));
  }

  /**
   * SSE, one event per chunk, with the configured delay; stops writing when the client leaves, or where a fault says.
   */
  async function streamEvents(
    res: ServerResponse,
    events: object[],
    done = false,
    fault?: { kind: StreamFault; afterEvents: number },
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (const [index, event] of events.entries()) {
      if (fault && index === fault.afterEvents) {
        // Give the client time to read what was sent, then drop the connection or fall silent.
        if (fault.kind === 'cut') setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      if (res.destroyed) return;
      const name = 'type' in event && typeof event.type === 'string' ? `event: ${event.type}\n` : '';
      res.write(`${name}data: ${JSON.stringify(event)}\n\n`);
      if (state.chunkDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.chunkDelayMs));
    }
    if (res.destroyed) return;
    if (done) res.write('data: [DONE]\n\n');
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get closedEarly() {
      return state.closedEarly;
    },
    script: (...replies) => void queue.push(...replies),
    setChunkDelay: (ms) => void (state.chunkDelayMs = ms),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  text: string;
  toolCalls: Array<{ id: string; name: string; args: string }>;
  usage: TokenCounts;
}

function toAnswer(
  reply: Exclude<ScriptedReply, { status: number } | { fault: StreamFault }>,
  nextId: () => number,
): Answer {
  const text = 'json' in reply ? JSON.stringify(reply.json) : (reply.text ?? '');
  const calls = 'toolCalls' in reply ? reply.toolCalls : [];
  const toolCalls = calls.map((c) => ({ id: `call_${nextId()}`, name: c.name, args: JSON.stringify(c.args) }));
  const usage = { input: 10, output: Math.max(1, splitText(text).length), cached: 0, reasoning: 0, ...reply.usage };
  return { text, toolCalls, usage };
}

/** The deterministic default: "echo: " + the last user message. */
function echo(body: any): ScriptedReply {
  return { text: `echo: ${lastUserText(body)}` };
}

function lastUserText(body: any): string {
  const chat: any[] = Array.isArray(body?.messages) ? body.messages : Array.isArray(body?.input) ? body.input : [];
  const lastUser = [...chat].reverse().find((m) => m?.role === 'user');
  const parts: any[] = Array.isArray(lastUser?.content) ? lastUser.content : [];
  return typeof lastUser?.content === 'string' ? lastUser.content : parts.map((p) => p?.text ?? '').join('');
}

/** Words with their trailing space: several deltas whose concatenation is the text. */
function splitText(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function chatChunks(body: any, answer: Answer): object[] {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model };
  const chunk = (delta: object, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const chunks: object[] = [chunk({ role: 'assistant', content: '' })];
  for (const piece of splitText(answer.text)) chunks.push(chunk({ content: piece }));
  answer.toolCalls.forEach((call, index) => {
    const half = Math.ceil(call.args.length / 2);
    chunks.push(
      chunk({
        tool_calls: [
          { index, id: call.id, type: 'function', function: { name: call.name, arguments: call.args.slice(0, half) } },
        ],
      }),
    );
    chunks.push(chunk({ tool_calls: [{ index, function: { arguments: call.args.slice(half) } }] }));
  });
  chunks.push(chunk({}, answer.toolCalls.length > 0 ? 'tool_calls' : 'stop'));
  if (body.stream_options?.include_usage) chunks.push({ ...base, choices: [], usage: chatUsage(answer.usage) });
  return chunks;
}

function chatCompletion(body: any, answer: Answer): object {
  const tool_calls = answer.toolCalls.map((c) => ({
    id: c.id,
    type: 'function',
    function: { name: c.name, arguments: c.args },
  }));
  const message = { role: 'assistant', content: answer.text || null, ...(tool_calls.length > 0 ? { tool_calls } : {}) };
  const finish_reason = tool_calls.length > 0 ? 'tool_calls' : 'stop';
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: body.model,
    choices: [{ index: 0, message, finish_reason }],
    usage: chatUsage(answer.usage),
  };
}

function chatUsage(u: TokenCounts): object {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached },
    completion_tokens_details: { reasoning_tokens: u.reasoning },
  };
}

/** The Responses API event sequence @ai-sdk/openai parses: created, items added/deltas/done, completed. */
function responsesEvents(body: any, answer: Answer, nextId: () => number): object[] {
  const events: object[] = [
    { type: 'response.created', response: { id: `resp_${nextId()}`, created_at: 1_700_000_000, model: body.model } },
  ];
  let index = 0;
  if (answer.text || answer.toolCalls.length === 0) {
    const id = `msg_${nextId()}`;
    const output_index = index++;
    events.push({
      type: 'response.output_item.added',
      output_index,
      item: { type: 'message', id, role: 'assistant', status: 'in_progress', content: [] },
    });
    for (const delta of splitText(answer.text))
      events.push({ type: 'response.output_text.delta', item_id: id, output_index, content_index: 0, delta });
    events.push({
      type: 'response.output_item.done',
      output_index,
      item: { type: 'message', id, role: 'assistant', status: 'completed' },
    });
  }
  for (const call of answer.toolCalls) {
    const output_index = index++;
    const item = { type: 'function_call', id: `fc_${nextId()}`, call_id: call.id, name: call.name };
    events.push({
      type: 'response.output_item.added',
      output_index,
      item: { ...item, arguments: '', status: 'in_progress' },
    });
    const half = Math.ceil(call.args.length / 2);
    for (const delta of [call.args.slice(0, half), call.args.slice(half)]) {
      events.push({ type: 'response.function_call_arguments.delta', item_id: item.id, output_index, delta });
    }
    events.push({
      type: 'response.function_call_arguments.done',
      item_id: item.id,
      output_index,
      arguments: call.args,
    });
    events.push({
      type: 'response.output_item.done',
      output_index,
      item: { ...item, arguments: call.args, status: 'completed' },
    });
  }
  const u = answer.usage;
  const usage = {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
  events.push({
    type: 'response.completed',
    response: { id: 'resp', status: 'completed', incomplete_details: null, usage },
  });
  return events;
}

/** An OpenAI-shaped error. A 401 echoes the presented key, as careless servers do, so tests can check scrubbing. */
function sendError(
  res: ServerResponse,
  reply: { status: number; headers?: Record<string, string>; body?: unknown },
  authorization: string | undefined,
): void {
  const presented = authorization?.replace(/^Bearer\s+/i, '') ?? '';
  const message = reply.status === 401 ? `Incorrect API key provided: ${presented}` : `scripted ${reply.status}`;
  const body = reply.body ?? {
    error: { message, type: reply.status >= 500 ? 'server_error' : 'invalid_request_error', code: null },
  };
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(body));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function modelList(models: string[]): object {
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })) };
}

function setCors(res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader(
    'access-control-allow-headers',
    'authorization, content-type, openai-organization, openai-project, x-stainless-os',
  );
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
  res.setHeader('access-control-expose-headers', 'retry-after, retry-after-ms');
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
