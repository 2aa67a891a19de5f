import { PEER_UNITS, peerGoals, type PeerFigures } from './peers/report';
import { RESULTS_UNITS, resultsGoals, type ResultsReportFigures } from './resultsBench';
import { RESUME_KIND_UNITS, resumeKindGoals, type ResumeKindFigures } from './resumeKinds';

/** The figures `npm run bench` reports, its goals, and how they are printed. */

export interface Figures extends PeerFigures, ResultsReportFigures, ResumeKindFigures {
  raw_idb_tx_per_s: number;
  durable_steps_per_s_100: number;
  durable_steps_per_s_1000: number;
  durable_steps_per_s_10000: number;
  commits_1000: number;
  pure_steps_per_s_1000: number;
  direct_steps_per_s_1000: number;
  parallel_100_ms: number;
  batch_steps_per_s_1000: number;
  batch_start_ms_10000: number;
  resume_ms_10000: number;
  resume_ms_100: number;
  worker_heap_mb_100: number;
  worker_heap_mb_10000: number;
  stream_long_tasks: number;
  stream_longest_task_ms: number;
  initial_js_gzip_bytes: number;
  graph_open_200_ms: number;
  graph_open_20_ms: number;
  graph_drag_long_tasks: number;
  graph_drag_longest_task_ms: number;
  prompt_keystroke_max_ms: number;
  runs_list_open_5000_ms: number;
  runs_list_scroll_longest_task_ms: number;
  run_detail_open_10000_ms: number;
  run_detail_scroll_longest_task_ms: number;
}

export interface Goal {
  name: string;
  pass: boolean;
  detail: string;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

export function goals(f: Figures): Goal[] {
  const durableShare = ratio(f.durable_steps_per_s_1000, f.raw_idb_tx_per_s);
  const pureShare = ratio(f.pure_steps_per_s_1000, f.raw_idb_tx_per_s);
  const scaling = ratio(f.durable_steps_per_s_10000, f.durable_steps_per_s_100);
  const durable10000Share = ratio(f.durable_steps_per_s_10000, f.raw_idb_tx_per_s);
  const resumeGrowth = ratio(f.resume_ms_10000, f.resume_ms_100);
  const heapGrowth = ratio(f.worker_heap_mb_10000, f.worker_heap_mb_100);
  return [
    { name: 'durable_1000 ≥ 0.5 × raw', pass: durableShare >= 0.5, detail: `${durableShare.toFixed(2)} × raw` },
    {
      name: 'commits_1000 ≥ 1,000 (every step durable before the next effect)',
      pass: f.commits_1000 >= 1000,
      detail: `${f.commits_1000}`,
    },
    { name: 'pure_1000 ≥ 1 × raw', pass: pureShare >= 1, detail: `${pureShare.toFixed(2)} × raw` },
    { name: 'durable_10000 ≥ 0.8 × durable_100', pass: scaling >= 0.8, detail: `${scaling.toFixed(2)} × durable_100` },
    {
      name: 'durable_1000 and durable_10000 ≥ 0.7 × raw',
      pass: durableShare >= 0.7 && durable10000Share >= 0.7,
      detail: `${durableShare.toFixed(2)} / ${durable10000Share.toFixed(2)} × raw`,
    },
    { name: 'resume_ms_10000 < 300', pass: f.resume_ms_10000 < 300, detail: `${f.resume_ms_10000.toFixed(0)} ms` },
    {
      name: 'resume_ms_10000 ≤ 1.5 × resume_ms_100 (resume cost independent of history)',
      pass: resumeGrowth <= 1.5,
      detail: `${resumeGrowth.toFixed(2)} × (${f.resume_ms_10000.toFixed(0)} / ${f.resume_ms_100.toFixed(0)} ms)`,
    },
    {
      name: 'worker heap after 10,000 steps < 2 × after 100',
      pass: heapGrowth < 2,
      detail: `${heapGrowth.toFixed(2)} × (${f.worker_heap_mb_10000} / ${f.worker_heap_mb_100} MB)`,
    },
    {
      name: 'stream_long_tasks ≤ 2 and longest ≤ 100 ms',
      pass: f.stream_long_tasks <= 2 && f.stream_longest_task_ms <= 100,
      detail: `${f.stream_long_tasks} long tasks, longest ${f.stream_longest_task_ms.toFixed(0)} ms`,
    },
    {
      name: 'initial_js_gzip_bytes ≤ 300,000',
      pass: f.initial_js_gzip_bytes <= 300_000,
      detail: `${f.initial_js_gzip_bytes.toLocaleString('en-US')} bytes`,
    },
    {
      name: 'graph_open_200_ms ≤ 500 and graph_open_20_ms ≤ 100',
      pass: f.graph_open_200_ms <= 500 && f.graph_open_20_ms <= 100,
      detail: `${f.graph_open_200_ms.toFixed(0)} / ${f.graph_open_20_ms.toFixed(0)} ms`,
    },
    {
      name: 'dragging a node of the 200-step graph: no long task over 50 ms',
      pass: f.graph_drag_longest_task_ms <= 50,
      detail: `${f.graph_drag_long_tasks} long tasks, longest ${f.graph_drag_longest_task_ms.toFixed(0)} ms`,
    },
    {
      name: 'prompt_keystroke_max_ms < 16 (200-step graph)',
      pass: f.prompt_keystroke_max_ms < 16,
      detail: `${f.prompt_keystroke_max_ms.toFixed(1)} ms`,
    },
    ...batchGoals(f),
    ...inspectorGoals(f),
    ...resultsGoals(f),
    ...peerGoals(f),
    ...resumeKindGoals(f),
  ];
}

const UNITS: Record<keyof Figures, string> = {
  raw_idb_tx_per_s: 'tx/s',
  durable_steps_per_s_100: 'steps/s',
  durable_steps_per_s_1000: 'steps/s',
  durable_steps_per_s_10000: 'steps/s',
  commits_1000: 'tx',
  pure_steps_per_s_1000: 'steps/s',
  direct_steps_per_s_1000: 'steps/s',
  parallel_100_ms: 'ms',
  batch_steps_per_s_1000: 'steps/s',
  batch_start_ms_10000: 'ms',
  resume_ms_10000: 'ms',
  resume_ms_100: 'ms',
  worker_heap_mb_100: 'MB',
  worker_heap_mb_10000: 'MB',
  stream_long_tasks: 'tasks',
  stream_longest_task_ms: 'ms',
  initial_js_gzip_bytes: 'bytes',
  graph_open_200_ms: 'ms',
  graph_open_20_ms: 'ms',
  graph_drag_long_tasks: 'tasks',
  graph_drag_longest_task_ms: 'ms',
  prompt_keystroke_max_ms: 'ms',
  runs_list_open_5000_ms: 'ms',
  runs_list_scroll_longest_task_ms: 'ms',
  run_detail_open_10000_ms: 'ms',
  run_detail_scroll_longest_task_ms: 'ms',
  ...RESULTS_UNITS,
  ...PEER_UNITS,
  ...RESUME_KIND_UNITS,
};

/** Experiments: a batch's durable steps nearly as fast as one run's; a 10,000-row start back within a second. */
function batchGoals(f: Figures): Goal[] {
  const share = ratio(f.batch_steps_per_s_1000, f.durable_steps_per_s_1000);
  return [
    {
      name: 'batch of 1,000 rows × 3 steps ≥ 0.5 × durable_1000 (steps/s)',
      pass: share >= 0.5,
      detail: `${share.toFixed(2)} × durable_1000`,
    },
    {
      name: 'batch_start_ms_10000 < 1,000 (start command of a 10,000-row batch)',
      pass: f.batch_start_ms_10000 < 1000,
      detail: `${f.batch_start_ms_10000.toFixed(0)} ms`,
    },
  ];
}

/** A list of 5,000 runs and a run of 10,000 steps: open in under 1 s, scroll with no long task over 50 ms. */
function inspectorGoals(f: Figures): Goal[] {
  return [
    ['runs list of 5,000', f.runs_list_open_5000_ms, f.runs_list_scroll_longest_task_ms] as const,
    ['run of 10,000 steps', f.run_detail_open_10000_ms, f.run_detail_scroll_longest_task_ms] as const,
  ].map(([what, openMs, longestMs]) => ({
    name: `${what}: opens in < 1,000 ms, scrolls with no long task over 50 ms`,
    pass: openMs < 1000 && longestMs <= 50,
    detail: `${openMs.toFixed(0)} ms, longest task ${longestMs.toFixed(0)} ms`,
  }));
}

function format(value: number): string {
  return Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** The table of figures, then the goals with pass/fail, as plain text. */
export function renderReport(f: Figures, header: string[], notes: string[]): string {
  const keys = Object.keys(UNITS) as Array<keyof Figures>;
  const width = Math.max(...keys.map((k) => k.length));
  const rows = keys.map((k) => `  ${k.padEnd(width)}  ${format(f[k]).padStart(12)} ${UNITS[k]}`);
  const checks = goals(f).map((g) => `  ${g.pass ? 'PASS' : 'FAIL'}  ${g.name.padEnd(66)} ${g.detail}`);
  return [...header, '', ...rows, '', 'Goals:', ...checks, '', ...notes].join('\n');
}
