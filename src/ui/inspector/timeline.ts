import type { Attempt, StepRecord } from '../../engine/records';

/**
 * A run's journal as a Gantt chart: a row per step execution, grouped into lanes (the top level, each
 * parallel branch, each loop iteration: a record's `path`), with bars on one time axis for every
 * attempt, the backoff before a retry, and the time spent waiting (sleeps, events, approvals). The
 * attempts of a step's effects (LLM rounds, tool calls) are bars on their step's row. Pure.
 */

export type BarKind = 'attempt' | 'backoff' | 'sleep' | 'event' | 'approval' | 'span';

export type BarEnd = 'ended' | 'now' | 'planned';

export type BarTone = 'ok' | 'error' | 'running' | 'waiting' | 'cancelled' | 'neutral';

export interface TimelineBar {
  kind: BarKind;
  start: number;
  end: number;
  tone: BarTone;
  /** What the bar is, in words: "attempt 2 of round 1", "retry backoff after attempt 1". */
  label: string;
  /**
   * `ended`; `now`: still going, `end` is the time the timeline was built (a view moves it with its clock);
   * `planned`: a backoff whose retry is due at `end`.
   */
  until: BarEnd;
}

export interface TimelineRow {
  stepKey: string;
  slug: string;
  stepType: string;
  /** The record's path: "" at the top, "fan.risk", "each[2]"… */
  lane: string;
  bars: TimelineBar[];
}

/** A lane is a record path; `laneLabel` names it (when drawn: a long run has thousands). */
export interface TimelineLane {
  path: string;
}

/** Lanes and rows in display order: `items` alternate a lane heading with that lane's rows. */
export type TimelineItem = { kind: 'lane'; lane: TimelineLane } | { kind: 'row'; row: TimelineRow };

export interface Timeline {
  start: number;
  end: number;
  items: TimelineItem[];
  rows: number;
}

const WAIT_KINDS: Partial<Record<string, BarKind>> = { wait: 'sleep', event: 'event', approval: 'approval' };
const CONTAINERS = new Set(['loop', 'parallel', 'subworkflow']);
const OUTCOME_TONE: Record<Attempt['outcome'], BarTone> = {
  running: 'running',
  ok: 'ok',
  error: 'error',
  timeout: 'error',
  interrupted: 'cancelled',
  cancelled: 'cancelled',
};
const STATUS_TONE: Record<StepRecord['status'], BarTone> = {
  started: 'running',
  waiting: 'waiting',
  completed: 'ok',
  failed: 'error',
  cancelled: 'cancelled',
};

/** `now`: where unfinished bars end; `runStart`/`runEnd` widen the axis to the whole run. */
export function buildTimeline(
  records: readonly StepRecord[],
  now: number,
  span: { runStart?: number; runEnd?: number } = {},
): Timeline {
  const effects = new Map<string, StepRecord[]>();
  const steps: StepRecord[] = [];
  for (const record of records) {
    if (record.kind === 'step') steps.push(record);
    else {
      const list = effects.get(record.parentKey);
      if (list) list.push(record);
      else effects.set(record.parentKey, [record]);
    }
  }
  steps.sort((a, b) => a.seq - b.seq);
  const byLane = new Map<string, TimelineRow[]>();
  let start = span.runStart ?? Infinity;
  let end = span.runEnd ?? -Infinity;
  for (const record of steps) {
    const row = rowOf(record, effects.get(record.key) ?? [], now);
    for (const bar of row.bars) {
      start = Math.min(start, bar.start);
      end = Math.max(end, bar.end);
    }
    const lane = byLane.get(row.lane);
    if (lane) lane.push(row);
    else byLane.set(row.lane, [row]);
  }
  const items: TimelineItem[] = [];
  // Lanes in the order they first ran (a Map keeps insertion order).
  for (const [path, rows] of byLane) {
    items.push({ kind: 'lane', lane: { path } });
    for (const row of rows) items.push({ kind: 'row', row });
  }
  if (start === Infinity) start = end === -Infinity ? now : end;
  if (end < start) end = start;
  return { start, end, items, rows: steps.length };
}

function rowOf(record: StepRecord, effects: readonly StepRecord[], now: number): TimelineRow {
  const finish = record.endedAt ?? now;
  const bars: TimelineBar[] = [];
  const waitKind = WAIT_KINDS[record.stepType];
  if (waitKind) {
    const what =
      waitKind === 'sleep' ? 'sleep' : waitKind === 'event' ? 'waiting for an event' : 'waiting for approval';
    bars.push(bar(waitKind, record.startedAt, finish, STATUS_TONE[record.status], what, untilOf(record.endedAt)));
  } else if (CONTAINERS.has(record.stepType) || (record.attempts.length === 0 && effects.length === 0)) {
    bars.push(bar('span', record.startedAt, finish, STATUS_TONE[record.status], 'step', untilOf(record.endedAt)));
  }
  bars.push(...attemptBars(record, '', now));
  for (const effect of effects) bars.push(...attemptBars(effect, ` of ${effectName(effect)}`, now));
  return { stepKey: record.key, slug: record.slug, stepType: record.stepType, lane: record.path, bars };
}

/** Each attempt, and the backoff between a failed attempt and the next (or until the planned retry). */
function attemptBars(record: StepRecord, of: string, now: number): TimelineBar[] {
  const bars: TimelineBar[] = [];
  const { attempts } = record;
  attempts.forEach((attempt, i) => {
    const ended = attempt.endedAt ?? (attempt.outcome === 'running' ? undefined : record.endedAt);
    const outcome = attempt.outcome === 'running' ? 'running' : attempt.outcome === 'ok' ? 'succeeded' : 'failed';
    const label = `attempt ${attempt.n}${of}, ${attempt.outcome === 'error' ? 'failed' : outcome}`;
    bars.push(bar('attempt', attempt.startedAt, ended ?? now, OUTCOME_TONE[attempt.outcome], label, untilOf(ended)));
    if (attempt.endedAt === undefined || attempt.outcome === 'ok') return;
    const next = attempts[i + 1];
    const retryAt = next?.startedAt ?? (i === attempts.length - 1 ? record.wakeAt : undefined);
    if (retryAt !== undefined && retryAt > attempt.endedAt) {
      const until = next === undefined ? 'planned' : 'ended';
      bars.push(
        bar('backoff', attempt.endedAt, retryAt, 'waiting', `retry backoff after attempt ${attempt.n}${of}`, until),
      );
    }
  });
  return bars;
}

function bar(kind: BarKind, start: number, end: number, tone: BarTone, label: string, until: BarEnd): TimelineBar {
  return { kind, start, end: Math.max(start, end), tone, label, until };
}

const untilOf = (endedAt: number | undefined): BarEnd => (endedAt === undefined ? 'now' : 'ended');

/** `…@path/r2` → "round 2", `…/r2/tool0` → "tool call 1 of round 2". */
function effectName(effect: StepRecord): string {
  const name = effect.key.slice(effect.parentKey!.length + 1);
  const round = /^r(\d+)/.exec(name)?.[1];
  const tool = /\/tool(\d+)$/.exec(name)?.[1];
  if (tool !== undefined) return `tool call ${Number(tool) + 1}${round ? ` of round ${round}` : ''}`;
  return round !== undefined ? `round ${round}` : name;
}

/** "each[2]/fan.risk" → "iteration 3 of each › branch risk of fan". */
export function laneLabel(path: string): string {
  if (path === '') return 'Top level';
  return path
    .split('/')
    .map((part) => {
      const iteration = /^(.*)\[(\d+)\]$/.exec(part);
      if (iteration) return `iteration ${Number(iteration[2]) + 1} of ${iteration[1]}`;
      // Slugs have no dot; a branch name may.
      const dot = part.indexOf('.');
      return dot > 0 ? `branch ${part.slice(dot + 1)} of ${part.slice(0, dot)}` : part;
    })
    .join(' › ');
}
