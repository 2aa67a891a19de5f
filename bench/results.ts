import type { InitialJs, StreamFigure } from './appBench';
import type { EditorFigures } from './editorBench';
import type { InspectorFigures } from './inspectorBench';
import { resultsReportFigures, type ResultsFigures } from './resultsBench';
import type { BatchFigure, BatchStartFigure, CommitAnatomy, ResumeFigure, RunFigure, TxFigure } from './protocol';
import type { Figures } from './report';
import { peerFigures, peerNotes, type PeerMeasures } from './peers/report';
import { resumeKindFigures, type ResumeKindMeasures } from './resumeKinds';

/** From what the browser measured to the reported figures, the details kept for profiling, and notes. */

export interface EngineMeasures {
  /** The median of `rawSamples`. */
  raw: TxFigure;
  rawSamples: TxFigure[];
  dexie: TxFigure;
  storeCommit: TxFigure;
  /** One step's commit without the engine, built up from raw IndexedDB (`commitAnatomy.ts`). */
  commitAnatomy: CommitAnatomy;
  durable100: RunFigure;
  durable1000: RunFigure;
  durable10000: RunFigure;
  pure1000: RunFigure;
  direct1000: RunFigure;
  parallel100: RunFigure;
  /** An experiment of 1,000 rows × 3 steps, and the start command of one of 10,000 rows. */
  batch1000: BatchFigure;
  batchStart10000: BatchStartFigure;
  prepared: RunFigure;
  resume: ResumeFigure & { workerClockSkewMs: number };
  /** The same resume after 100 steps: what a resume costs whatever the history. */
  resume100: ResumeFigure & { workerClockSkewMs: number };
  /** Resume of a long loop and of a line of model steps, each after a short and a long history. */
  resumeKinds: ResumeKindMeasures;
  /** The bench worker's heap (bytes, after a forced GC) with the engine of its last run kept. */
  heapAfter100: number;
  heapAfter10000: number;
  peers: PeerMeasures;
}

export interface Measures {
  engine: EngineMeasures;
  stream: StreamFigure;
  editor: EditorFigures;
  inspector: InspectorFigures;
  results: ResultsFigures;
  initialJs: InitialJs;
  requestedTokensPerSecond: number;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function toFigures({ engine: e, stream, editor, inspector, results, initialJs }: Measures): Figures {
  return {
    raw_idb_tx_per_s: round(e.raw.perSecond),
    durable_steps_per_s_100: round(e.durable100.stepsPerSecond),
    durable_steps_per_s_1000: round(e.durable1000.stepsPerSecond),
    durable_steps_per_s_10000: round(e.durable10000.stepsPerSecond),
    commits_1000: e.durable1000.commits,
    pure_steps_per_s_1000: round(e.pure1000.stepsPerSecond),
    direct_steps_per_s_1000: round(e.direct1000.stepsPerSecond),
    parallel_100_ms: round(e.parallel100.ms),
    batch_steps_per_s_1000: round(e.batch1000.stepsPerSecond),
    batch_start_ms_10000: round(e.batchStart10000.ms),
    resume_ms_10000: round(e.resume.nextStepStartedMs),
    resume_ms_100: round(e.resume100.nextStepStartedMs),
    worker_heap_mb_100: round(e.heapAfter100 / 2 ** 20, 2),
    worker_heap_mb_10000: round(e.heapAfter10000 / 2 ** 20, 2),
    stream_long_tasks: stream.longTasks,
    stream_longest_task_ms: round(stream.longestTaskMs),
    initial_js_gzip_bytes: initialJs.gzipBytes,
    graph_open_200_ms: round(editor.open200.firstDrawnMs),
    graph_open_20_ms: round(editor.open20.firstDrawnMs),
    graph_drag_long_tasks: editor.dragLongTasks,
    graph_drag_longest_task_ms: round(editor.dragLongestTaskMs),
    prompt_keystroke_max_ms: round(editor.keystrokeMaxMs),
    runs_list_open_5000_ms: round(inspector.runsListOpenMs),
    runs_list_scroll_longest_task_ms: round(inspector.runsListScrollLongestTaskMs),
    run_detail_open_10000_ms: round(inspector.runDetailOpenMs),
    run_detail_scroll_longest_task_ms: round(inspector.runDetailScrollLongestTaskMs),
    ...resultsReportFigures(results),
    ...peerFigures(e.peers),
    ...resumeKindFigures(e.resumeKinds),
  };
}

/** The resume as a timeline: each store call (start–end, ms after worker start); gaps are CPU work. */
function resumeTimeline(resume: ResumeFigure): string {
  const calls = resume.storeCalls.map((c) => `${c.name} ${round(c.start, 0)}–${round(c.end, 0)}`);
  return [
    `module evaluated ${round(resume.moduleEvaluatedMs, 0)}`,
    ...calls,
    `next step ${round(resume.nextStepStartedMs, 0)}`,
  ].join(' · ');
}

export function toDetails(measures: Measures) {
  const { engine: e, stream, editor, inspector, initialJs, requestedTokensPerSecond } = measures;
  return {
    runs_inspector: inspector,
    experiment_results: measures.results,
    raw_idb_tx_per_s_samples: e.rawSamples.map((r) => round(r.perSecond)),
    dexie_tx_per_s: round(e.dexie.perSecond),
    store_commit_tx_per_s: round(e.storeCommit.perSecond),
    commit_anatomy_tx_per_s: {
      raw_put: round(e.commitAnatomy.rawPut),
      one_step_record: round(e.commitAnatomy.oneStepRecord),
      two_step_records: round(e.commitAnatomy.twoStepRecords),
      two_step_records_leased: round(e.commitAnatomy.twoStepRecordsLeased),
      engine_step_commit: round(e.commitAnatomy.engineCommit),
      layouts: Object.fromEntries(Object.entries(e.commitAnatomy.layouts).map(([kind, rate]) => [kind, round(rate)])),
    },
    durable_1000_ms: round(e.durable1000.ms),
    durable_1000_commit_wait_ms: round(e.durable1000.commitMs),
    durable_10000_commits: e.durable10000.commits,
    pure_1000_commits: e.pure1000.commits,
    direct_1000_commits: e.direct1000.commits,
    parallel_100_commits: e.parallel100.commits,
    batch_1000_ms: round(e.batch1000.ms),
    batch_1000_cells_at_once: e.batch1000.concurrency,
    batch_start_10000_cells: e.batchStart10000.cells,
    resume_prepare_steps_per_s: round(e.prepared.stepsPerSecond),
    resume_journal_records: e.resume.stepsLoaded,
    resume_100_journal_records: e.resume100.stepsLoaded,
    resume_100_store_calls_ms: e.resume100.storeCalls.map((c) => ({
      name: c.name,
      start: round(c.start),
      end: round(c.end),
    })),
    resume_store_calls_ms: e.resume.storeCalls.map((c) => ({ name: c.name, start: round(c.start), end: round(c.end) })),
    resume_module_evaluated_ms: round(e.resume.moduleEvaluatedMs),
    resume_worker_clock_skew_ms: round(e.resume.workerClockSkewMs),
    stream_window_ms: round(stream.windowMs),
    stream_requested_tokens_per_s: requestedTokensPerSecond,
    stream_observed_tokens_per_s: stream.observedTokensPerSecond,
    stream_long_tasks_at: stream.tasks,
    initial_js_files: initialJs.files,
    executor_worker_gzip_bytes_not_counted: initialJs.workerGzipBytes,
    graph_editor: editor,
  };
}

const bytes = (n: number) => n.toLocaleString('en-US');

export function toNotes({ engine: e, stream, editor, initialJs, requestedTokensPerSecond }: Measures): string[] {
  const paces = stream.observedTokensPerSecond;
  const paceHonoured = paces.length > 0 && paces.every((p) => p >= requestedTokensPerSecond * 0.6);
  const rawMedians = e.rawSamples.map((r) => round(r.perSecond, 0)).join(', ');
  return [
    `durable_1000: ${round(e.durable1000.ms)} ms, ${round(e.durable1000.commitMs)} ms of it inside store commits; ` +
      `one-put transactions: raw ${round(e.raw.perSecond)}/s (median of ${rawMedians}), ` +
      `Dexie ${round(e.dexie.perSecond)}/s; the engine's fenced step write alone ${round(e.storeCommit.perSecond)}/s`,
    commitAnatomyNote(e),
    `commits: pure_1000 ${e.pure1000.commits}, direct_1000 ${e.direct1000.commits} ` +
      `(not awaited: mirrored in the background), parallel_100 ${e.parallel100.commits}, ` +
      `durable_10000 ${e.durable10000.commits}`,
    ...peerNotes(e.peers),
    `resume (${e.resume.stepsLoaded} records; ms after worker start): ${resumeTimeline(e.resume)}`,
    `resume after 100 steps (${e.resume100.stepsLoaded} records): ${resumeTimeline(e.resume100)}`,
    `stream: ${round(stream.windowMs)} ms from "Start run" to completed; ` +
      `asked for ${requestedTokensPerSecond} tokens/s, observed ${paces.join(', ')} tokens/s per agent` +
      (paceHonoured
        ? ''
        : ' — the product worker ignores the pace setting (see bench/README.md), so this ran at the default pace'),
    `initial JS (gzip -9): ${bytes(initialJs.gzipBytes)} bytes, index.html's entry and its static imports ` +
      `(${initialJs.files.map((f) => f.url).join(', ')}); the executor worker, started once the page runs, ` +
      `${bytes(initialJs.workerGzipBytes)} bytes, is not counted`,
    `graph (ms from pressing the Graph tab to every node drawn; then with ELK's layout): ` +
      `200 steps ${round(editor.open200.firstDrawnMs, 0)} / ${round(editor.open200.firstElkMs, 0)}, ` +
      `reopened ${round(editor.open200.againDrawnMs, 0)}; 20 steps ${round(editor.open20.firstDrawnMs, 0)} / ` +
      `${round(editor.open20.firstElkMs, 0)}; the first graph of the session (chunks, ELK's worker) ` +
      `${round(editor.coldOpenMs, 0)}. Typing ${editor.keystrokes} keys in a prompt of the 200-step graph: median ` +
      `${round(editor.keystrokeMedianMs)} ms, max ${round(editor.keystrokeMaxMs)} ms, ` +
      `${editor.typingLongTasks} long tasks`,
  ];
}

/** One step's commit without the engine, next to raw in the same rounds: the ceiling of the durable figures. */
function commitAnatomyNote(e: EngineMeasures): string {
  const a = e.commitAnatomy;
  const ofRaw = (perSecond: number) => `${round(perSecond, 0)}/s (${round(perSecond / a.rawPut, 2)} × raw)`;
  return (
    `one step's commit without the engine, taking turns with raw: one small put ${round(a.rawPut, 0)}/s, ` +
    `one step record ${ofRaw(a.oneStepRecord)}, the completion and the next start ${ofRaw(a.twoStepRecords)}, ` +
    `with the writer's lease beside them ${ofRaw(a.twoStepRecordsLeased)}, ` +
    `those through the store (what each step commits) ${ofRaw(a.engineCommit)}; ` +
    `durable_1000 is ${round(e.durable1000.stepsPerSecond / a.engineCommit, 2)} × that; ` +
    `other layouts of a fenced commit (bench/commitLayouts.ts): ${layoutRatios(a)}`
  );
}

/** Each layout of `commitLayouts.ts` as × the one-put transaction of the same rounds. */
function layoutRatios(a: CommitAnatomy): string {
  return Object.entries(a.layouts)
    .map(([kind, rate]) => `${kind} ${round(rate / a.rawPut, 2)} ×`)
    .join(', ');
}
