import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/engine/records';
import { buildTimeline, laneLabel, type TimelineBar } from '../../src/ui/inspector/timeline';
import { journalAttempt, journalStep } from '../support/journalRecords';

/** Records → lanes and bars, as tables: a journal in, the rows and bars the timeline draws out. */

const record = (slug: string, fields: Partial<StepRecord> = {}) => journalStep('r', slug, fields);
const attempt = journalAttempt;

type BarShape = Pick<TimelineBar, 'kind' | 'start' | 'end' | 'tone' | 'until'>;
const shape = (bar: TimelineBar): BarShape => ({
  kind: bar.kind,
  start: bar.start,
  end: bar.end,
  tone: bar.tone,
  until: bar.until,
});

describe('timeline bars of one step', () => {
  const cases: Array<{ name: string; records: StepRecord[]; now: number; bars: BarShape[] }> = [
    {
      name: 'a step that succeeded at once: one attempt bar',
      records: [record('a', { attempts: [attempt(1, 0, 10, 'ok')] })],
      now: 100,
      bars: [{ kind: 'attempt', start: 0, end: 10, tone: 'ok', until: 'ended' }],
    },
    {
      name: 'a retried step: failed attempt, backoff, the retry',
      records: [
        record('a', {
          startedAt: 0,
          endedAt: 50,
          attempts: [attempt(1, 0, 10, 'error'), attempt(2, 40, 50, 'ok')],
        }),
      ],
      now: 100,
      bars: [
        { kind: 'attempt', start: 0, end: 10, tone: 'error', until: 'ended' },
        { kind: 'backoff', start: 10, end: 40, tone: 'waiting', until: 'ended' },
        { kind: 'attempt', start: 40, end: 50, tone: 'ok', until: 'ended' },
      ],
    },
    {
      name: 'a step waiting out its backoff: the backoff ends at the planned retry',
      records: [
        record('a', {
          status: 'started',
          endedAt: undefined,
          wakeAt: 70,
          attempts: [attempt(1, 0, 10, 'error')],
        }),
      ],
      now: 30,
      bars: [
        { kind: 'attempt', start: 0, end: 10, tone: 'error', until: 'ended' },
        { kind: 'backoff', start: 10, end: 70, tone: 'waiting', until: 'planned' },
      ],
    },
    {
      name: 'a running attempt ends now',
      records: [
        record('a', { status: 'started', endedAt: undefined, attempts: [attempt(1, 5, undefined, 'running')] }),
      ],
      now: 25,
      bars: [{ kind: 'attempt', start: 5, end: 25, tone: 'running', until: 'now' }],
    },
    {
      name: 'a sleep still sleeping',
      records: [record('nap', { stepType: 'wait', status: 'waiting', endedAt: undefined, startedAt: 10 })],
      now: 60,
      bars: [{ kind: 'sleep', start: 10, end: 60, tone: 'waiting', until: 'now' }],
    },
    {
      name: 'an approval that was answered',
      records: [record('ok', { stepType: 'approval', startedAt: 10, endedAt: 90 })],
      now: 100,
      bars: [{ kind: 'approval', start: 10, end: 90, tone: 'ok', until: 'ended' }],
    },
    {
      name: 'an event wait',
      records: [record('ev', { stepType: 'event', startedAt: 0, endedAt: 30 })],
      now: 100,
      bars: [{ kind: 'event', start: 0, end: 30, tone: 'ok', until: 'ended' }],
    },
    {
      name: 'a step with no attempt of its own (a transform): its span',
      records: [record('t', { startedAt: 3, endedAt: 4 })],
      now: 100,
      bars: [{ kind: 'span', start: 3, end: 4, tone: 'ok', until: 'ended' }],
    },
    {
      name: "an LLM step: its rounds' attempts and backoff on its row",
      records: [
        record('w', { stepType: 'llm', startedAt: 0, endedAt: 40 }),
        {
          ...record('w', { startedAt: 0, endedAt: 40 }),
          kind: 'llm-round',
          stepType: 'llm-round',
          key: 'r:w@/r1',
          parentKey: 'r:w@',
          attempts: [attempt(1, 0, 5, 'error'), attempt(2, 25, 40, 'ok')],
        } as StepRecord,
      ],
      now: 100,
      bars: [
        { kind: 'attempt', start: 0, end: 5, tone: 'error', until: 'ended' },
        { kind: 'backoff', start: 5, end: 25, tone: 'waiting', until: 'ended' },
        { kind: 'attempt', start: 25, end: 40, tone: 'ok', until: 'ended' },
      ],
    },
  ];
  it.each(cases)('$name', ({ records, now, bars }) => {
    const timeline = buildTimeline(records, now);
    const rows = timeline.items.flatMap((item) => (item.kind === 'row' ? [item.row] : []));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.bars.map(shape)).toEqual(bars);
  });

  it('says what each bar is', () => {
    const timeline = buildTimeline(
      [record('a', { attempts: [attempt(1, 0, 10, 'error'), attempt(2, 40, 50, 'ok')] })],
      100,
    );
    const row = timeline.items.find((item) => item.kind === 'row')!;
    expect(row.kind === 'row' && row.row.bars.map((b) => b.label)).toEqual([
      'attempt 1, failed',
      'retry backoff after attempt 1',
      'attempt 2, succeeded',
    ]);
  });
});

describe('timeline lanes', () => {
  it('puts parallel branches and loop iterations in lanes of their own, in the order they ran', () => {
    const records = [
      record('start', { startedAt: 0, endedAt: 1 }),
      record('fan', { stepType: 'parallel', startedAt: 1, endedAt: 9 }),
      record('risk', { path: 'fan.risk', startedAt: 1, endedAt: 8 }),
      record('value', { path: 'fan.value', startedAt: 1, endedAt: 5 }),
      record('each', { stepType: 'loop', startedAt: 9, endedAt: 12 }),
      record('line', { path: 'each[0]', startedAt: 9, endedAt: 10 }),
      record('line', { path: 'each[1]', startedAt: 10, endedAt: 12 }),
    ];
    const timeline = buildTimeline(records, 50, { runStart: 0, runEnd: 12 });
    const outline = timeline.items.map((item) =>
      item.kind === 'lane' ? `# ${laneLabel(item.lane.path)}` : item.row.slug,
    );
    expect(outline).toEqual([
      '# Top level',
      'start',
      'fan',
      'each',
      '# branch risk of fan',
      'risk',
      '# branch value of fan',
      'value',
      '# iteration 1 of each',
      'line',
      '# iteration 2 of each',
      'line',
    ]);
    expect([timeline.start, timeline.end, timeline.rows]).toEqual([0, 12, 7]);
  });

  it.each([
    ['', 'Top level'],
    ['fan.risk', 'branch risk of fan'],
    ['each[2]', 'iteration 3 of each'],
    ['each[2]/fan.risk.v2', 'iteration 3 of each › branch risk.v2 of fan'],
  ])('labels the lane %j as %j', (path, label) => {
    expect(laneLabel(path)).toBe(label);
  });

  it('an empty journal is an empty timeline at the run start', () => {
    expect(buildTimeline([], 5, { runStart: 3 })).toEqual({ start: 3, end: 3, items: [], rows: 0 });
  });
});
