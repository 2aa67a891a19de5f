import type { Engine } from '../engine/engine';
import type { RunRecord, StepRecord, StepWaitReason } from '../engine/records';
import type { CommitBatch, EngineStore } from '../engine/store';
import type { OpenQuestion, Reporter } from './report';
import { stepLabel } from './report';
import type { RunArgs } from './runArgs';

/** How watching a run ended before it finished: it waits on answers the command line did not give. */
export interface Stopped {
  kind: 'waiting';
  runId: string;
  questions: OpenQuestion[];
}

/** Waits a person answers; the others (sleeps, retries, child runs) end by themselves while the process runs. */
const QUESTION_KINDS: ReadonlySet<string> = new Set(['approval', 'event', 'host', 'budget', 'keys-locked']);

/**
 * Watches the commits of one run and its subworkflow runs: prints each step as it finishes, answers the waits the
 * command line answers (`--approve`, `--reject`, `--event`), and stops when the run waits on anything else.
 */
export class RunSession {
  rootId: string | undefined;
  private readonly tree = new Set<string>();
  private readonly printed = new Set<string>();
  private readonly answered = new Set<string>();
  private engine: Engine | undefined;
  private stop: ((stopped: Stopped) => void) | undefined;
  readonly stopped: Promise<Stopped>;

  constructor(
    private readonly args: Pick<RunArgs, 'approvals' | 'events'> & Partial<Pick<RunArgs, 'budget'>>,
    private readonly reporter: Reporter,
    rootId?: string,
  ) {
    this.stopped = new Promise((resolve) => (this.stop = resolve));
    if (rootId) this.adopt(rootId);
  }

  attach(engine: Engine): void {
    this.engine = engine;
  }

  /** The run this session follows: a run of its own starting, or the run being continued. */
  adopt(runId: string): void {
    this.rootId = runId;
    this.tree.add(runId);
  }

  /**
   * The store the engine gets: this store's own methods (prototype delegation, so every method stays bound to it),
   * with commits observed after they land and, when continuing, only this session's runs listed as unfinished.
   */
  observe(store: EngineStore): EngineStore {
    const observed = Object.create(store) as EngineStore;
    observed.commit = async (batch) => {
      const result = await store.commit(batch);
      this.onCommit(batch);
      return result;
    };
    observed.listUnfinishedRuns = async () => this.ownRuns(await store.listUnfinishedRuns());
    return observed;
  }

  /** The unfinished runs that are this session's run or one of its subworkflow runs (any depth). */
  private ownRuns(runs: RunRecord[]): RunRecord[] {
    const byId = new Map(runs.map((run) => [run.id, run]));
    const belongs = (run: RunRecord | undefined): boolean =>
      run !== undefined &&
      (this.tree.has(run.id) || (run.parentRunId !== undefined && belongs(byId.get(run.parentRunId))));
    const own = runs.filter(belongs);
    for (const run of own) this.tree.add(run.id);
    return own;
  }

  private onCommit(batch: CommitBatch): void {
    for (const run of batch.runs ?? []) {
      if (this.rootId === undefined && run.depth === 0) this.adopt(run.id);
      if (run.parentRunId !== undefined && this.tree.has(run.parentRunId)) this.tree.add(run.id);
    }
    for (const step of batch.steps ?? []) if (this.tree.has(step.runId)) this.printStep(step);
    for (const run of batch.runs ?? []) if (this.tree.has(run.id)) this.onRun(run);
  }

  /** One line per step when it finishes (effects inside a step — model rounds, tool calls — are not listed). */
  private printStep(step: StepRecord): void {
    if (step.kind !== 'step' || !['completed', 'failed', 'cancelled'].includes(step.status)) return;
    const seen = `${step.key}#${step.status}#${step.endedAt}`;
    if (this.printed.has(seen)) return;
    this.printed.add(seen);
    this.reporter.step(step);
  }

  private onRun(run: RunRecord): void {
    const open: OpenQuestion[] = [];
    for (const wait of run.waits ?? []) {
      if (wait.kind === 'storage-full' || !QUESTION_KINDS.has(wait.kind)) continue;
      if (this.answered.has(wait.stepKey)) continue;
      const given = this.givenAnswer(run.id, wait);
      if (!given && wait.kind === 'event' && wait.timeoutAt !== undefined) {
        // The workflow says what happens without the event: the process waits for the timeout and follows it.
        this.answered.add(wait.stepKey);
        const until = new Date(wait.timeoutAt).toISOString();
        this.reporter.note(
          `step "${stepLabel(wait.stepKey, run.id)}" waits for the event "${wait.name}" until ${until}`,
        );
      } else if (given) {
        this.answered.add(wait.stepKey);
        // After this commit returns: the engine is inside it now.
        setImmediate(() => void given().catch((error: unknown) => this.reporter.error(String(error))));
      } else open.push({ runId: run.id, wait, answer: answerFlag(wait, run.id) });
    }
    if (run.status === 'waiting' && open.length > 0) this.stop?.({ kind: 'waiting', runId: run.id, questions: open });
  }

  /** The command line's answer to this wait, as a call to make, if it has one. */
  private givenAnswer(runId: string, wait: StepWaitReason): (() => Promise<void>) | undefined {
    const engine = this.engine;
    if (!engine) return undefined;
    if (wait.kind === 'approval') {
      const label = stepLabel(wait.stepKey, runId);
      const answer = this.args.approvals.find((a) => a.step === label || a.step === label.split('@')[0]);
      const note = `${answer?.approved ? 'approved' : 'rejected'} on the command line (tabflow run)`;
      return answer && (() => engine.approve(runId, wait.stepKey, answer.approved, note));
    }
    if (wait.kind === 'event') {
      const event = this.args.events.find((e) => e.name === wait.name);
      return event && (() => engine.sendEvent(runId, event.name, event.payload, 'sent on the command line'));
    }
    const budget = this.args.budget;
    if (wait.kind === 'budget' && budget)
      return () => engine.answerBudget(runId, wait.stepKey, budget, `${budget} on the command line (tabflow run)`);
    return undefined;
  }
}

/** The flag that answers a wait next time. */
function answerFlag(wait: StepWaitReason, runId: string): string {
  switch (wait.kind) {
    case 'approval': {
      const label = stepLabel(wait.stepKey, runId);
      return `--approve ${label} (or --reject ${label})`;
    }
    case 'event':
      return `--event '${wait.name}=<JSON payload>'`;
    case 'host':
      return `--allow-host ${wait.host}`;
    case 'budget':
      return '--budget continue (or --budget stop)';
    default:
      return 'this wait cannot be answered headless';
  }
}
