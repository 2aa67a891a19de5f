import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type RefObject } from 'react';
import { FINISHED_RUN_STATUSES, type RunRecord, type StepRecord } from '../../engine/records';
import { formatDuration } from '../runs/format';
import { useStepNames } from '../runs/useRuns';
import { AXIS_FONT_PX, axisTicks, estimateLabelPx } from './timeAxis';
import { buildTimeline, laneLabel, type TimelineBar, type TimelineRow } from './timeline';

/** The time axis drawn: the run's span (to now while it runs). */
interface Axis {
  start: number;
  end: number;
  now: number;
}

interface RunTimelineProps {
  run: RunRecord;
  records: readonly StepRecord[];
  onOpenStep(stepKey: string): void;
}

const ZOOMS = [1, 2, 4, 8, 16, 32, 64, 128] as const;
const ROW_HEIGHT = 30;
const LANE_HEIGHT = 26;
/** The label column's width (`--timeline-label-width` in inspector.css), about. */
const LABEL_PX = 180;

/** The clock for bars still going: ticks each second while the run is unfinished (time only, nothing is read). */
function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return running ? now : 0;
}

/**
 * A Gantt chart of the run: a row per step execution, grouped into lanes (top level, each parallel branch,
 * each loop iteration), on one time axis fitted to the run and zoomable. Rows are virtualized, so a run
 * of 10,000 steps draws only the rows on screen.
 */
export function RunTimeline({ run, records, onOpenStep }: RunTimelineProps) {
  const running = !FINISHED_RUN_STATUSES.has(run.status);
  const builtAt = run.finishedAt ?? run.updatedAt;
  // Built when the journal changes; the clock only stretches the bars still going (`until: 'now'`) as it ticks.
  const timeline = useMemo(
    () => buildTimeline(records, builtAt, { runStart: run.createdAt, runEnd: run.finishedAt }),
    [records, builtAt, run.createdAt, run.finishedAt],
  );
  const now = Math.max(useNow(running), builtAt);
  const axis: Axis = { start: timeline.start, end: running ? Math.max(timeline.end, now) : timeline.end, now };
  const [zoom, setZoom] = useState(0);
  const names = useStepNames(run.workflowHash);
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer's own state drives the rows; nothing memoized reads its functions.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: timeline.items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (timeline.items[index]!.kind === 'lane' ? LANE_HEIGHT : ROW_HEIGHT),
    overscan: 8,
  });
  if (timeline.rows === 0) return <p className="muted">Nothing has run yet.</p>;
  const total = axis.end - axis.start;
  const style = { '--timeline-zoom': ZOOMS[zoom] } as CSSProperties;
  return (
    <div className="run-timeline" data-testid="run-timeline" data-rows={timeline.rows}>
      <ZoomBar
        summary={`${timeline.rows} step${timeline.rows === 1 ? '' : 's'} over ${formatDuration(total)}`}
        zoom={zoom}
        onZoom={setZoom}
      />
      <div className="run-timeline-scroll" ref={scroller} style={style}>
        <div className="run-timeline-content">
          <TimeAxis
            axis={axis}
            fallbackTrackPx={(Math.max(virtual.scrollRect?.width ?? 0, 2 * LABEL_PX) - LABEL_PX) * ZOOMS[zoom]!}
          />
          <div
            className="run-timeline-rows"
            style={{ height: virtual.getTotalSize() }}
            role="list"
            aria-label="Steps over time">
            {virtual.getVirtualItems().map((item) => {
              const entry = timeline.items[item.index]!;
              const placed = { transform: `translateY(${item.start}px)`, height: item.size };
              return entry.kind === 'lane' ? (
                <div key={item.key} className="run-timeline-lane" style={placed} role="listitem">
                  <span className="run-timeline-lane-label">{laneLabel(entry.lane.path)}</span>
                </div>
              ) : (
                <Row
                  key={item.key}
                  row={entry.row}
                  name={names.get(entry.row.slug)}
                  axis={axis}
                  style={placed}
                  onOpen={onOpenStep}
                />
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

/** `zoom`: an index into ZOOMS, 0 being the whole run fitted. */
function ZoomBar({ summary, zoom, onZoom }: { summary: string; zoom: number; onZoom(zoom: number): void }) {
  return (
    <div className="toolbar run-timeline-toolbar" role="toolbar" aria-label="Timeline zoom">
      <span className="muted">{summary}</span>
      <button type="button" className="button button-small" disabled={zoom === 0} onClick={() => onZoom(zoom - 1)}>
        Zoom out
      </button>
      <button type="button" className="button button-small" disabled={zoom === 0} onClick={() => onZoom(0)}>
        Fit to run
      </button>
      <button
        type="button"
        className="button button-small"
        disabled={zoom === ZOOMS.length - 1}
        onClick={() => onZoom(zoom + 1)}>
        Zoom in
      </button>
      <span className="muted" aria-live="polite">
        {ZOOMS[zoom]}×
      </span>
    </div>
  );
}

function Row(props: {
  row: TimelineRow;
  name: string | undefined;
  axis: Axis;
  style: CSSProperties;
  onOpen(stepKey: string): void;
}) {
  const { row, name, axis, style, onOpen } = props;
  const title = name ?? row.slug;
  return (
    <div className="run-timeline-row" style={style} role="listitem" data-step-key={row.stepKey} data-slug={row.slug}>
      <span className="run-timeline-label" title={`${title} (${row.slug})`}>
        {title}
      </span>
      <div className="run-timeline-track">
        {row.bars.map((bar, index) => (
          <Bar key={index} bar={bar} step={title} axis={axis} onOpen={() => onOpen(row.stepKey)} />
        ))}
      </div>
    </div>
  );
}

const UNTIL_WORDS: Record<TimelineBar['until'], string> = { ended: '', now: ' so far', planned: ', retry planned' };

function Bar({ bar, step, axis, onOpen }: { bar: TimelineBar; step: string; axis: Axis; onOpen(): void }) {
  const end = bar.until === 'now' ? Math.max(bar.end, axis.now) : bar.end;
  const total = Math.max(1, axis.end - axis.start);
  const left = ((bar.start - axis.start) / total) * 100;
  const width = ((end - bar.start) / total) * 100;
  const text = `${step}: ${bar.label}, ${formatDuration(end - bar.start)}${UNTIL_WORDS[bar.until]}`;
  const ongoing = bar.until === 'ended' ? '' : ' run-bar-ongoing';
  return (
    <button
      type="button"
      className={`run-timeline-bar run-bar-${bar.kind} run-bar-tone-${bar.tone}${ongoing}`}
      style={{ left: `${left}%`, width: `${width}%` }}
      data-kind={bar.kind}
      data-tone={bar.tone}
      aria-label={text}
      title={text}
      onClick={onOpen}
    />
  );
}

/** Time since the run started, at round intervals spaced so that no two labels overlap (`timeAxis.ts`). */
function TimeAxis({ axis, fallbackTrackPx }: { axis: Axis; fallbackTrackPx: number }) {
  const track = useRef<HTMLDivElement>(null);
  const measured = useTrackSize(track);
  const total = axis.end - axis.start;
  const ticks = axisTicks(total, measured.width > 0 ? measured.width : fallbackTrackPx, (label) =>
    estimateLabelPx(label, measured.fontPx),
  );
  return (
    <div className="run-timeline-axis" aria-hidden>
      <span className="run-timeline-label" />
      <div className="run-timeline-track" ref={track} data-testid="timeline-axis-track">
        {ticks.map((tick) => (
          <span
            key={tick.at}
            className={tick.align === 'end' ? 'run-timeline-tick run-timeline-tick-end' : 'run-timeline-tick'}
            style={{ left: `${total > 0 ? (tick.at / total) * 100 : 0}%` }}>
            {tick.label}
          </span>
        ))}
      </div>
    </div>
  );
}

/**
 * The track's width and font size in px, kept current as it resizes (a larger minimum font size set in the browser
 * widens the labels); width 0 where it cannot be measured, as in jsdom.
 */
function useTrackSize(ref: RefObject<HTMLElement | null>): { width: number; fontPx: number } {
  const [size, setSize] = useState({ width: 0, fontPx: AXIS_FONT_PX });
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () =>
      setSize({
        width: element.getBoundingClientRect().width,
        fontPx: parseFloat(getComputedStyle(element).fontSize) || AXIS_FONT_PX,
      });
    measure();
    if (typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
