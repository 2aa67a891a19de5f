import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelReply, ModelRunner, ToolCall } from '../../../src/engine/llmTypes';
import { RECORDED_OUTPUT_NOTE } from '../../../src/engine/handlers/http';
import type { RunRecord } from '../../../src/engine/records';
import type { HttpRequest, HttpResponse } from '../../../src/engine/runtime';
import { checkRunBundleForImport } from '../../../src/store/bundleCheck';
import { exportRunBundle, importRunBundle } from '../../../src/store/bundles';
import type { TabflowDb } from '../../../src/store/db';
import { createWorkflow } from '../../../src/store/workflows';
import { bundleBrowser, countingModel, openedBundleDbs } from '../../support/bundles';
import { chain, http, llm } from '../../support/flows';

/** A replay's tool calls and secret-sending http steps are answered from the recording: no table, host or secret. */

afterEach(async () => {
  await Promise.all(openedBundleDbs.splice(0).map((db) => db.delete()));
});

const SECRET = 'sk-replay-secret-4f9a1c';

const desk = () =>
  chain(
    'Desk',
    [
      {
        stepSlug: 'lookup',
        name: 'lookup',
        stepType: 'action',
        config: { action: 'table.query', table: 'notes', where: { id: 'n1' } },
      },
      {
        stepSlug: 'mark',
        name: 'mark',
        stepType: 'action',
        config: { action: 'table.update', table: 'notes', where: { id: 'n1' }, set: { seen: true } },
      },
      llm('triage', 'Handle {{input.value}}: {{steps.lookup.output.rows}}', {
        tools: ['table_query', 'table_update', 'http_request'],
      }),
      http('notify', 'https://api.example.com/notify', {
        headers: { authorization: 'Bearer {{secrets.API_TOKEN}}' },
        body: { text: '{{steps.triage.output}}' },
      }),
    ],
    { allowedHosts: ['api.example.com'] },
  );

const TOOL_CALLS: ToolCall[] = [
  { id: 'c1', name: 'table_query', args: { table: 'notes', where: { id: 'n1' } } },
  { id: 'c2', name: 'table_update', args: { table: 'notes', where: { id: 'n1' }, set: { done: true } } },
  { id: 'c3', name: 'http_request', args: { method: 'POST', url: 'https://api.example.com/log', body: { n: 1 } } },
];

/** Calls every tool in its first round, then answers with what the tools returned (so their results show). */
const toolModel: ModelRunner = async (round) => {
  const results = round.messages.filter((m) => m.role === 'tool').map((m) => m.result);
  const reply: ModelReply = {
    text: results.length === 0 ? 'calling tools' : JSON.stringify(results),
    toolCalls: results.length === 0 ? TOOL_CALLS : [],
    finishReason: results.length === 0 ? 'tool-calls' : 'stop',
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    provider: 'test',
    model: round.model,
  };
  return reply;
};

function recordingHttp(answer: (request: HttpRequest) => unknown) {
  const sent: HttpRequest[] = [];
  const runner = async (request: HttpRequest): Promise<HttpResponse> => {
    sent.push(request);
    return { status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, body: answer(request) };
  };
  return { runner, sent };
}

const note = (text: string) => ({ table: 'notes', id: 'n1', row: { id: 'n1', text, done: false } });

/** Until the run has finished or waits (a replay that asked for a host confirmation stops there). */
async function settled(db: TabflowDb, runId: string): Promise<RunRecord> {
  for (let i = 0; i < 400; i++) {
    const run = await db.runs.get(runId);
    if (run && (run.status === 'waiting' || ['completed', 'failed', 'cancelled'].includes(run.status))) return run;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the run neither finished nor waited');
}

async function recordedDesk() {
  const sourceHttp = recordingHttp((request) => ({ got: request.url, ok: true }));
  const source = bundleBrowser(toolModel, true, {
    http: sourceHttp.runner,
    approved: () => true,
    secrets: { API_TOKEN: SECRET },
  });
  await source.db.tableRows.add(note('the source row'));
  const saved = await createWorkflow(source.db, desk());
  const runId = await source.engine.start({ workflow: saved.doc, workflowId: saved.id, input: { value: 'ticket 7' } });
  const run = await source.engine.awaitRun(runId);
  expect(run.error?.message ?? run.status).toBe('completed');
  expect(sourceHttp.sent.map((r) => r.headers.authorization)).toContain(`Bearer ${SECRET}`);
  const text = JSON.stringify(await exportRunBundle(source.db, runId));
  return { run, text };
}

describe('tool calls, table steps and secret http steps in a replay', () => {
  it('come from the recording: no table read or written, no request, no confirmation, no secret needed', async () => {
    const { run, text } = await recordedDesk();
    expect(text).not.toContain(SECRET);
    const checked = checkRunBundleForImport(text);
    if (!checked.ok) throw new Error(checked.problem.message);
    const live = recordingHttp(() => ({ live: true }));
    const demo = countingModel('demo');
    // Another browser: no secrets, no approvals, a different row in its own `notes` table.
    const target = bundleBrowser(demo.runner, true, { http: live.runner });
    await target.db.tableRows.add(note('a row of this browser'));
    const { run: imported } = await importRunBundle(target.db, checked.bundle);
    const definition = (await target.db.definitions.get(imported.workflowHash))!.definition;
    const replayId = await target.engine.start({ workflow: definition, input: imported.input, replayOf: imported.id });
    const replay = await settled(target.db, replayId);
    expect(replay.waits ?? []).toEqual([]);
    expect(replay.error?.message ?? replay.status).toBe('completed');
    expect(replay.output).toEqual(run.output);
    const triage = await target.db.steps.get(`${replayId}:triage@`);
    expect(triage?.output).toBe((await target.db.steps.get(`${imported.id}:triage@`))?.output);
    expect(triage?.output).toContain('the source row');
    expect(live.sent).toEqual([]);
    expect(demo.calls).toEqual([]);
    // Each says it was answered from the recording.
    const journal = await target.db.steps.where('[runId+seq]').between([replayId, 0], [replayId, Infinity]).toArray();
    const answered = journal.filter((s) => s.meta?.note === RECORDED_OUTPUT_NOTE);
    expect(answered.map((s) => s.key.slice(replayId.length + 1)).sort()).toEqual([
      'lookup@',
      'mark@',
      'notify@',
      'triage@/r1/tool0',
      'triage@/r1/tool1',
      'triage@/r1/tool2',
    ]);
    expect((await target.db.tableRows.get(['notes', 'n1']))?.row).toEqual(note('a row of this browser').row);
  });
});
