import { describe, expect, it } from 'vitest';
import { axisTicks, estimateLabelPx, LABEL_GAP_PX, niceStep, type AxisTick } from '../../src/ui/inspector/timeAxis';

/** The timeline's axis: round intervals, and labels that never overlap whatever the width. */

/** A label's box on the track, as the CSS draws it (`end`: leftwards from its line). */
const box = (tick: AxisTick) => {
  const width = estimateLabelPx(tick.label);
  return tick.align === 'start' ? { left: tick.x, right: tick.x + width } : { left: tick.x - width, right: tick.x };
};

describe('the time axis', () => {
  it('picks 1, 2 or 5 times a power of ten', () => {
    expect([0.5, 1, 3, 7, 20, 21, 450].map(niceStep)).toEqual([1, 1, 5, 10, 20, 50, 500]);
  });

  const totals = [1, 7, 90, 95, 1_000, 2_345, 61_000, 3_600_000, 36_000_000];
  const widths = [60, 120, 187, 230, 310, 420, 700, 1100, 1280 * 8, 1100 * 128];
  for (const total of totals) {
    it(`labels never overlap for a ${total} ms run at any track width`, () => {
      for (const width of widths) {
        const ticks = axisTicks(total, width);
        expect(ticks[0]).toMatchObject({ at: 0, x: 0, align: 'start' });
        const boxes = ticks.map(box);
        for (let i = 1; i < boxes.length; i++)
          expect(
            boxes[i]!.left - boxes[i - 1]!.right,
            `${total} ms over ${width} px, tick ${i}`,
          ).toBeGreaterThanOrEqual(i === 1 ? 0 : LABEL_GAP_PX);
        // No label but the first runs past the end of the track.
        for (const b of boxes.slice(1)) expect(b.right).toBeLessThanOrEqual(width + 0.001);
        // Evenly spaced round intervals.
        const step = ticks[1] ? ticks[1].at : total;
        ticks.forEach((tick) => expect(tick.at % step).toBe(0));
      }
    });
  }

  it('the 420 px case: a run of 90 ms over a 230 px track leaves out "80 ms", which would touch "60 ms"', () => {
    expect(axisTicks(90, 230).map((t) => t.label)).toEqual(['0 ms', '20 ms', '40 ms', '60 ms']);
    // Wider: "80 ms" fits before the end of the track.
    expect(axisTicks(90, 420).at(-1)).toMatchObject({ label: '80 ms', align: 'start' });
  });

  it('more labels as the track widens (zoom), each interval round', () => {
    const narrow = axisTicks(10_000, 300).length;
    const zoomed = axisTicks(10_000, 300 * 16).length;
    expect(zoomed).toBeGreaterThan(narrow * 8);
  });

  it('a label that would run past the end reads leftwards when there is room, else is left out', () => {
    const ticks = axisTicks(100, 1000);
    expect(ticks.at(-1)).toMatchObject({ at: 100, align: 'end' });
    // "100 ms" is wider than "50 ms": the interval widens until the widest label fits.
    const crowded = axisTicks(100, 2 * (estimateLabelPx('50 ms') + LABEL_GAP_PX));
    expect(crowded.map((t) => [t.at, t.align])).toEqual([
      [0, 'start'],
      [100, 'end'],
    ]);
  });
});
