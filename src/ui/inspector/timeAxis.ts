import { formatDuration } from '../runs/format';

/**
 * Pure: the time axis's ticks for a track of a given width. The interval is the smallest round one (1, 2 or 5
 * times a power of ten) whose labels, each as wide as `labelPx` says, fit side by side with a gap; a label that
 * would run past the track's end reads leftwards from its line, or is left out when that would touch the one
 * before. So no two labels overlap, whatever the width or the zoom.
 */

export interface AxisTick {
  /** Time since the run started. */
  at: number;
  label: string;
  /** Where its line is, in px from the track's start. */
  x: number;
  /** `start`: the label reads rightwards from its line; `end`: leftwards (at the track's end). */
  align: 'start' | 'end';
}

/** The axis labels' font size in inspector.css (the browser's minimum font size may raise it). */
export const AXIS_FONT_PX = 11;
/** Space kept between two labels. */
export const LABEL_GAP_PX = 12;
/** No more lines than this, however wide a zoomed track is. */
const MAX_TICKS = 1000;

/** 1, 2 or 5 times a power of ten, at least `raw` (and at least 1 ms). */
export function niceStep(raw: number): number {
  if (!(raw > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}

/**
 * A label's width at the axis's font, on the wide side (0.62 em a character, as an "m" pulls the average up)
 * plus the tick's 3 px padding and its 1 px line.
 */
export function estimateLabelPx(text: string, fontPx = AXIS_FONT_PX): number {
  return Math.ceil(text.length * fontPx * 0.62) + 4;
}

export function axisTicks(
  totalMs: number,
  trackPx: number,
  labelPx: (text: string) => number = estimateLabelPx,
): AxisTick[] {
  const first: AxisTick = { at: 0, label: formatDuration(0), x: 0, align: 'start' };
  if (!(totalMs > 0) || !(trackPx > 0)) return [first];
  const pxPerMs = trackPx / totalMs;
  let step = niceStep(Math.max(totalMs / MAX_TICKS, (labelPx(formatDuration(0)) + LABEL_GAP_PX) / pxPerMs));
  for (;;) {
    const labels: string[] = [];
    for (let at = 0; at <= totalMs; at += step) labels.push(formatDuration(at));
    const widest = Math.max(...labels.map((label) => labelPx(label)));
    // Longer labels (a minute and up) may need a wider interval than the one guessed from "0 ms".
    if (step * pxPerMs >= widest + LABEL_GAP_PX) return placed(labels, step, pxPerMs, trackPx, labelPx);
    step = niceStep(step + 1);
  }
}

function placed(
  labels: readonly string[],
  step: number,
  pxPerMs: number,
  trackPx: number,
  labelPx: (text: string) => number,
): AxisTick[] {
  const ticks: AxisTick[] = [];
  let previousEnd = -Infinity;
  labels.forEach((label, index) => {
    const at = index * step;
    const x = at * pxPerMs;
    const width = labelPx(label);
    if (index === 0 || x + width <= trackPx) {
      ticks.push({ at, label, x, align: 'start' });
      previousEnd = x + width;
    } else if (x - width >= previousEnd + LABEL_GAP_PX) {
      // Past the end rightwards: leftwards, only where it stays clear of the label before.
      ticks.push({ at, label, x, align: 'end' });
      previousEnd = x;
    }
  });
  return ticks;
}
