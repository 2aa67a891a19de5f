import { FINISHED_RUN_STATUSES } from '../../src/engine/records';
import { InputError } from '../../src/engine/input';
import type { WorkflowFile } from '../../src/schema/workflow';
import { createTestEngine, quiesce } from '../support/engine';
import { fakeModel } from '../support/model';
import { hostileInstance, schemasOf } from './checks';
import { nearMatch } from './payloads';

/**
 * An importable file run by the real engine (in memory, fake clock, no network): the model answers
 * with near-match text (or a near-match object when the step has an output schema), http steps get a
 * canned answer. The run must settle — finish, or wait for an event or a person — within the budget,
 * and a rejected input must be a readable InputError.
 */

const DRIVE_ROUNDS = 200;

export interface EngineRunFindings {
  status: string;
  failures: string[];
}

function modelAnswer(outputSchema: Record<string, unknown> | undefined): unknown {
  return outputSchema ? hostileInstance(outputSchema) : `${nearMatch()} <script>alert(1)</script>`;
}

export async function runImportedFile(file: WorkflowFile, budgetMs: number): Promise<EngineRunFindings> {
  const t = createTestEngine({
    runners: {
      model: fakeModel((request) => modelAnswer(request.round.outputSchema as Record<string, unknown> | undefined)),
      http: async (request) => ({
        status: 200,
        statusText: 'OK',
        headers: {},
        body: { url: request.url, text: nearMatch() },
      }),
    },
  });
  const inputSchema = schemasOf(file).find((s) => s.where === 'inputSchema')?.schema;
  const input = inputSchema
    ? hostileInstance(inputSchema)
    : { text: nearMatch(), items: [1, 2, 3], customerId: 'cus_002' };
  const deadline = performance.now() + budgetMs;
  let runId: string;
  try {
    runId = await t.engine.start({ workflow: file, input });
  } catch (error) {
    t.engine.shutdown();
    const readable =
      error instanceof InputError ||
      (error instanceof Error && error.message.length > 0 && error.message.length < 2_000);
    return { status: 'refused', failures: readable ? [] : [`starting the run threw ${String(error).slice(0, 200)}`] };
  }
  try {
    for (let round = 0; round < DRIVE_ROUNDS && performance.now() < deadline; round++) {
      await quiesce(t.data);
      const run = t.data.runs.get(runId);
      if (!run || FINISHED_RUN_STATUSES.has(run.status))
        return { status: run?.status ?? 'missing', failures: run ? [] : ['the run record vanished'] };
      const asked = [...t.data.steps.values()].filter(
        (s) => s.runId === runId && s.stepType === 'approval' && s.status === 'waiting',
      );
      for (const step of asked) await t.engine.approve(runId, step.key, true);
      const wake = t.clock.nextWake();
      if (wake !== undefined) t.clock.set(wake);
      else if (asked.length === 0) return { status: run.status, failures: [] };
    }
    const status = t.data.runs.get(runId)?.status ?? 'missing';
    return {
      status,
      failures: performance.now() >= deadline ? [`the run did not settle within ${budgetMs} ms (still ${status})`] : [],
    };
  } finally {
    t.engine.shutdown();
  }
}
