import { RUN_STATUSES, type RunRecord, type RunStatus } from '../../engine/records';
import { summarizeInput } from '../runs/format';

/**
 * The all-runs screen's filters, as its address carries them: one `name=value` segment each, percent-encoded
 * (`#/runs/status=failed/workflow=w1/from=2026-12-01/q=timed%20out`; never a `?`, which the hash location
 * would move out of the hash). Pure, so an address round-trips and a bad one says which part is wrong.
 */
export interface RunFilters {
  status?: RunStatus;
  workflowId?: string;
  /** Local calendar days, `YYYY-MM-DD`, both included. */
  from?: string;
  to?: string;
  /** Matched, case-insensitively, against the run id, its input summary and its error. */
  query?: string;
  /** Experiments' runs (`RunRecord.batchId`): left out unless `include`d, or `only` they. */
  experiments?: ExperimentRuns;
}

export const EXPERIMENT_RUNS = ['include', 'only'] as const;
export type ExperimentRuns = (typeof EXPERIMENT_RUNS)[number];

const PARAM = {
  status: 'status',
  workflowId: 'workflow',
  from: 'from',
  to: 'to',
  query: 'q',
  experiments: 'experiments',
} as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `status=failed/q=…` (fixed order, empty filters left out, values encoded); `parseRunFilters` reads it back. */
export function formatRunFilters(filters: RunFilters, encode: (value: string) => string): string {
  const parts: string[] = [];
  for (const [field, name] of Object.entries(PARAM) as Array<[keyof RunFilters, string]>) {
    const value = filters[field];
    if (value) parts.push(`${name}=${encode(value)}`);
  }
  return parts.join('/');
}

export type ParsedFilters = { ok: true; filters: RunFilters } | { ok: false; problem: string };

/** The filters of the segments after `/runs/` (already split; values still percent-encoded). */
export function parseRunFilters(segments: readonly string[]): ParsedFilters {
  const values = new Map<string, string>();
  const known = new Set<string>(Object.values(PARAM));
  for (const part of segments) {
    if (part === '') continue;
    const cut = part.indexOf('=');
    const name = cut === -1 ? part : part.slice(0, cut);
    if (!known.has(name)) return { ok: false, problem: `the runs list has no filter “${name}”` };
    let value: string;
    try {
      value = decodeURIComponent(part.slice(cut + 1));
    } catch {
      return { ok: false, problem: `the “${name}” filter is badly escaped` };
    }
    if (cut === -1 || value === '') return { ok: false, problem: `the “${name}” filter has no value` };
    values.set(name, value);
  }
  const filters: RunFilters = {};
  const status = values.get(PARAM.status);
  if (status) {
    if (!(RUN_STATUSES as readonly string[]).includes(status))
      return { ok: false, problem: `no run status is called “${status}” (${RUN_STATUSES.join(', ')})` };
    filters.status = status as RunStatus;
  }
  for (const field of ['from', 'to'] as const) {
    const day = values.get(PARAM[field]);
    if (!day) continue;
    if (!DAY.test(day) || Number.isNaN(dayStart(day)))
      return { ok: false, problem: `“${field}” is not a day written YYYY-MM-DD: “${day}”` };
    filters[field] = day;
  }
  const workflowId = values.get(PARAM.workflowId);
  if (workflowId) filters.workflowId = workflowId;
  const text = values.get(PARAM.query);
  if (text) filters.query = text;
  const experiments = values.get(PARAM.experiments);
  if (experiments) {
    if (!(EXPERIMENT_RUNS as readonly string[]).includes(experiments))
      return { ok: false, problem: `the “experiments” filter is “include” or “only”, not “${experiments}”` };
    filters.experiments = experiments as ExperimentRuns;
  }
  return { ok: true, filters };
}

/** Midnight starting a local day (`YYYY-MM-DD`), in ms; NaN for a day that does not exist. */
export function dayStart(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? date.getTime() : NaN;
}

const DAY_MS = 86_400_000;

/** What a run's search matches: its id, its input in one line and its error (lower case; kept per record). */
const searchTexts = new WeakMap<RunRecord, string>();
function searchText(run: RunRecord): string {
  let text = searchTexts.get(run);
  if (text === undefined) {
    text = [run.id, summarizeInput(run.input, 2000), run.error?.message ?? ''].join('\n').toLowerCase();
    searchTexts.set(run, text);
  }
  return text;
}

/** The runs the filters keep, in the order given. */
export function filterRuns(runs: readonly RunRecord[], filters: RunFilters): RunRecord[] {
  const after = filters.from ? dayStart(filters.from) : -Infinity;
  // `to` is the last day included: up to the next midnight (a 23-hour or 25-hour day is still that day).
  const before = filters.to ? dayStart(nextDay(filters.to)) : Infinity;
  const needle = filters.query?.trim().toLowerCase();
  return runs.filter(
    (run) =>
      (!filters.status || run.status === filters.status) &&
      (!filters.workflowId || run.workflowId === filters.workflowId) &&
      keepsExperimentRun(filters.experiments, run) &&
      run.createdAt >= after &&
      run.createdAt < before &&
      (!needle || searchText(run).includes(needle)),
  );
}

/** Whether an experiment's run (or any other) is kept: experiments' runs are left out by default. */
export function keepsExperimentRun(experiments: ExperimentRuns | undefined, run: RunRecord): boolean {
  const fromExperiment = run.batchId !== undefined;
  return experiments === 'include' || (experiments === 'only' ? fromExperiment : !fromExperiment);
}

function nextDay(day: string): string {
  const date = new Date(dayStart(day) + DAY_MS + DAY_MS / 2);
  return localDay(date.getTime());
}

/** The local day of a time, `YYYY-MM-DD`. */
export function localDay(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
