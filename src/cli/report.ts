import type { RunRecord, StepRecord, StepWaitReason } from '../engine/records';

/** Where the command writes: plain text sinks, so tests can capture them. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C (SIGINT/SIGTERM): the run stops where it is, as durable as its store. */
  signal?: AbortSignal;
}

/** A wait the command cannot answer by itself, with the flag that answers it. */
export interface OpenQuestion {
  runId: string;
  wait: StepWaitReason;
  /** What to add to the command line, e.g. `--approve approve`. */
  answer: string;
}

/** What the command tells the user, as lines of text (stderr, the output on stdout) or as JSON lines on stdout. */
export interface Reporter {
  note(text: string): void;
  started(run: RunRecord, how: 'started' | 'resumed', detail: string): void;
  step(record: StepRecord): void;
  waiting(runId: string, questions: readonly OpenQuestion[], durable: boolean): void;
  finished(run: RunRecord): void;
  interrupted(runId: string | undefined, durable: boolean): void;
  error(message: string): void;
}

/** `slug`, or `slug@path` inside a loop or a branch: the step's key without its run id. */
export function stepLabel(key: string, runId: string): string {
  const local = key.startsWith(`${runId}:`) ? key.slice(runId.length + 1) : key;
  return local.endsWith('@') ? local.slice(0, -1) : local;
}

/**
 * Every line goes through `scrub`: a secret value of this process's environment (a key, a workflow secret) is
 * replaced wherever it would appear. The model runner and the engine keep keys out of errors already; this is
 * the last guard, on the way out.
 */
export function createReporter(json: boolean, io: CliIo, secrets: readonly string[]): Reporter {
  const scrub = scrubber(secrets);
  const out = (text: string) => io.stdout.write(scrub(text));
  const err = (text: string) => io.stderr.write(scrub(text));
  return json ? jsonReporter((line) => out(`${JSON.stringify(line)}\n`)) : textReporter(out, err);
}

/** Replaces each secret value wherever it occurs in a text. */
export function scrubber(secrets: readonly string[]): (text: string) => string {
  return (text) => secrets.reduce((out, secret) => out.split(secret).join('[secret]'), text);
}

function jsonReporter(emit: (line: Record<string, unknown>) => void): Reporter {
  return {
    note: (text) => emit({ type: 'note', message: text }),
    started: (run, how, detail) =>
      emit({ type: 'run', status: how, runId: run.id, workflow: run.workflowName, detail }),
    step: (record) =>
      emit({
        type: 'step',
        runId: record.runId,
        step: stepLabel(record.key, record.runId),
        slug: record.slug,
        path: record.path,
        status: record.status,
        ...(record.endedAt !== undefined ? { durationMs: record.endedAt - record.startedAt } : {}),
        attempts: record.attempts.length,
        ...(record.branch !== undefined ? { branch: record.branch } : {}),
        ...(record.error ? { error: record.error.message } : {}),
      }),
    waiting: (runId, questions, durable) =>
      emit({
        type: 'waiting',
        runId,
        durable,
        waits: questions.map((q) => ({ runId: q.runId, ...q.wait, answer: q.answer })),
      }),
    finished: (run) =>
      emit({
        type: 'finished',
        runId: run.id,
        status: run.status,
        ...(run.status === 'completed' ? { output: run.output ?? null } : {}),
        ...(run.error ? { error: run.error.message } : {}),
      }),
    interrupted: (runId, durable) => emit({ type: 'interrupted', runId: runId ?? null, durable }),
    error: (message) => emit({ type: 'error', message }),
  };
}

const ICONS: Partial<Record<StepRecord['status'], string>> = { completed: '✓', failed: '✗', cancelled: '–' };

function textReporter(out: (text: string) => void, err: (text: string) => void): Reporter {
  return {
    note: (text) => err(`tabflow: ${text}\n`),
    started: (run, how, detail) => err(`tabflow: ${how} run ${run.id} of "${run.workflowName}" (${detail})\n`),
    step: (record) => {
      const label = stepLabel(record.key, record.runId);
      const took = record.endedAt !== undefined ? `  ${formatMs(record.endedAt - record.startedAt)}` : '';
      const why = record.error ? `  ${record.error.message}` : '';
      err(`  ${ICONS[record.status] ?? '…'} ${label.padEnd(24)} ${record.status.padEnd(9)}${took}${why}\n`);
    },
    waiting: (runId, questions, durable) => {
      const lines = questions.map((q) => `  ${describeWait(q.wait, q.runId)} → ${q.answer}`);
      const how = durable
        ? 'run the same command again with the flags above: it continues this run from its last finished step'
        : 'run the command again with the flags above (the memory store kept nothing: it starts again; ' +
          'use --store file:DIR to continue a run instead)';
      err(`tabflow: run ${runId} is waiting:\n${lines.join('\n')}\ntabflow: ${how}\n`);
    },
    finished: (run) => {
      const took = run.finishedAt !== undefined ? ` in ${formatMs(run.finishedAt - run.createdAt)}` : '';
      err(`tabflow: run ${run.id} ${run.status}${took}${run.error ? `: ${run.error.message}` : ''}\n`);
      if (run.status === 'completed') out(`${formatOutput(run.output)}\n`);
    },
    interrupted: (runId, durable) =>
      err(
        `tabflow: interrupted${runId ? ` run ${runId}` : ''}; ` +
          (durable
            ? 'run the same command again to continue it from its last finished step\n'
            : 'nothing was kept (memory store)\n'),
      ),
    error: (message) => err(`tabflow: ${message}\n`),
  };
}

function describeWait(wait: StepWaitReason, runId: string): string {
  const step = 'stepKey' in wait ? `step "${stepLabel(wait.stepKey, runId)}"` : 'the run';
  switch (wait.kind) {
    case 'approval':
      return `${step} waits for an approval${wait.prompt ? ` ("${wait.prompt.slice(0, 120)}")` : ''}`;
    case 'event':
      return `${step} waits for the event "${wait.name}"`;
    case 'host':
      return `${step} wants to contact ${wait.host}`;
    case 'budget':
      return `${step} reached the run's ${wait.cap} budget (${wait.used} of ${wait.limit})`;
    default:
      return `${step} waits (${wait.kind})`;
  }
}

/** A string output as it is; anything else as indented JSON. */
export function formatOutput(output: unknown): string {
  return typeof output === 'string' ? output : (JSON.stringify(output ?? null, null, 2) ?? 'null');
}

function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}
