import { EFFECT_TIMEOUT_MS } from '../../schema/limits';
import { effectKey } from '../frame';
import type { ToolCall } from '../llmTypes';
import { failure, StepFailure } from '../retry';
import { TOOL_CALL, type StepApi } from '../stepApi';
import type { TableRow } from '../store';
import { CUSTOMER_STATUSES } from '../tools';
import { allowedTarget, confirmHost, RECORDED_OUTPUT_NOTE, sendHttp } from './http';

const QUERY_LIMIT = 50;
const TOOL_TIMEOUT = { defaultMs: EFFECT_TIMEOUT_MS.toolCall, what: 'a tool call' };
type Args = Record<string, unknown>;

/**
 * One tool call of an LLM round, journaled under its own key: recorded results are replayed, write
 * tools run once (a table write commits with the call's completion). A bad call returns an error
 * to the model instead of failing the step, so the model can correct itself.
 */
export async function runTool(ctx: StepApi, name: string, call: ToolCall, threadId: string): Promise<void> {
  const result = await ctx.effect(name, TOOL_CALL, async (sub) => {
    const input = { tool: call.name, args: call.args };
    sub.begin({ input });
    // A replay's recorded result: no table read or written, no request sent, no host asked.
    const recorded = await sub.recordedOutput(input);
    if (recorded) {
      sub.setMeta({ note: RECORDED_OUTPUT_NOTE });
      return recorded.output;
    }
    return execute(sub, call).catch((error: unknown) => {
      if (!(error instanceof StepFailure) || error.stepError.retryable) throw error;
      return { error: error.message };
    });
  });
  await ctx.keepMessage(threadId, effectKey(ctx.key, name), {
    role: 'tool',
    toolCallId: call.id,
    toolName: call.name,
    result,
  });
}

function args(call: ToolCall): Args {
  if (typeof call.args !== 'object' || call.args === null || Array.isArray(call.args)) {
    throw failure('client', `${call.name} needs an object of arguments`, false);
  }
  return call.args as Args;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw failure('client', `"${name}" must be a non-empty string`, false);
  return value;
}

function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw failure('client', `"${name}" must be an object`, false);
  return value as Record<string, unknown>;
}

async function execute(sub: StepApi, call: ToolCall): Promise<unknown> {
  const a = args(call);
  switch (call.name) {
    case 'customer_search':
      return sub.attempt(
        async () =>
          searchCustomers(
            await sub.queryTable('customers', a.customerId ? { id: text(a.customerId, 'customerId') } : {}, 1000),
            a,
          ),
        TOOL_TIMEOUT,
      );
    case 'customer_update': {
      const status = text(a.status, 'status');
      if (!(CUSTOMER_STATUSES as readonly string[]).includes(status))
        throw failure('client', `status must be one of ${CUSTOMER_STATUSES.join(', ')}`, false);
      const set: Record<string, unknown> = { status };
      if (typeof a.note === 'string') set.statusNote = a.note;
      return sub.completeWithTableUpdate({
        table: 'customers',
        where: { id: text(a.customerId, 'customerId') },
        set,
        upsert: false,
      });
    }
    case 'table_query': {
      const rows = await sub.attempt(
        () =>
          sub.queryTable(
            text(a.table, 'table'),
            record(a.where ?? {}, 'where'),
            Math.min(Number(a.limit) || QUERY_LIMIT, 500),
          ),
        TOOL_TIMEOUT,
      );
      return { rows, count: rows.length };
    }
    case 'table_update':
      return sub.completeWithTableUpdate({
        table: text(a.table, 'table'),
        where: record(a.where, 'where'),
        set: record(a.set, 'set'),
        upsert: false,
      });
    case 'http_request':
      return httpTool(sub, a);
    default:
      throw failure('client', `unknown tool "${call.name}"`, false);
  }
}

function searchCustomers(rows: TableRow[], a: Args): { customers: TableRow[]; count: number } {
  const query = typeof a.query === 'string' ? a.query.toLowerCase() : '';
  const found = query ? rows.filter((row) => JSON.stringify(row).toLowerCase().includes(query)) : rows;
  return { customers: found.slice(0, QUERY_LIMIT), count: found.length };
}

/** The same path as an http step: allowedHosts, the user's consent, the idempotency rule, timeout and errors. */
async function httpTool(sub: StepApi, a: Args): Promise<unknown> {
  const target = allowedTarget(sub, text(a.url, 'url'), 'client');
  await confirmHost(sub, target.host);
  const method = typeof a.method === 'string' ? a.method.toUpperCase() : 'GET';
  const body = a.body === undefined ? undefined : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
  const headers = (): Record<string, string> =>
    body && typeof a.body !== 'string' ? { 'content-type': 'application/json' } : {};
  const response = await sendHttp(sub, target, async () => ({
    method,
    url: target.url.toString(),
    headers: headers(),
    body,
  }));
  return { status: response.status, body: response.body };
}
