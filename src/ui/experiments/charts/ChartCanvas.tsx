import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartSpec } from './chartData';

/**
 * One experiment chart drawn by uPlot on a canvas: a lazy chunk of its own (uPlot loads with the first
 * chart, never with the first screen). Decorative for assistive technology: every figure's numbers are
 * in the table beside it. Colours are the page's custom properties, read again when the theme changes.
 */

const HEIGHT = 180;
/** uPlot's `BarsPathBuilderFacetUnit.Color` (a const enum, which isolated modules cannot read). */
const FACET_COLOUR = 3 as uPlot.Series.BarsPathBuilderFacetUnit;

interface Palette {
  text: string;
  grid: string;
  font: string;
  /** Custom property name → the colour it resolves to now. */
  colours: ReadonlyMap<string, string>;
}

/** Resolves custom properties (`light-dark(…)` values) to colours a canvas takes, through a probe element. */
function readPalette(host: HTMLElement, names: readonly string[]): Palette {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  host.append(probe);
  const resolve = (value: string) => {
    probe.style.color = value;
    return getComputedStyle(probe).color;
  };
  const palette: Palette = {
    text: resolve('var(--text-muted)'),
    grid: resolve('var(--border)'),
    font: `12px ${getComputedStyle(host).fontFamily || 'sans-serif'}`,
    colours: new Map(names.map((name) => [name, resolve(`var(${name})`)])),
  };
  probe.remove();
  return palette;
}

function formatValue(unit: ChartSpec['unit'], value: number): string {
  switch (unit) {
    case 'percent':
      return `${Math.round(value)}%`;
    case 'usd':
      return value < 0.01 && value > 0 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
    case 'ms':
      return value >= 10_000 ? `${(value / 1000).toFixed(0)} s` : `${Math.round(value)} ms`;
    case 'count':
      return Number.isInteger(value) ? String(value) : '';
  }
}

function axes(spec: ChartSpec, palette: Palette): uPlot.Axis[] {
  const common = { stroke: palette.text, font: palette.font, ticks: { show: false } };
  const x: uPlot.Axis =
    spec.kind === 'bars'
      ? {
          ...common,
          grid: { show: false },
          splits: () => spec.x,
          values: (_u, splits) => splits.map((i) => clip(spec.xLabels[i] ?? '')),
        }
      : { ...common, grid: { show: false }, values: (_u, splits) => splits.map((v) => formatValue('ms', v)) };
  const y: uPlot.Axis = {
    ...common,
    size: 56,
    grid: { stroke: palette.grid, width: 1 },
    values: (_u, splits) => splits.map((v) => formatValue(spec.unit, v)),
  };
  return [x, y];
}

function clip(label: string): string {
  return label.length > 12 ? `${label.slice(0, 11)}…` : label;
}

function options(spec: ChartSpec, palette: Palette, width: number): uPlot.Options {
  const series: uPlot.Series[] = spec.series.map((s) => {
    const colours = s.colours.map((name) => palette.colours.get(name) ?? palette.text);
    if (spec.kind === 'steps') {
      return {
        label: s.label,
        stroke: colours[0],
        width: 2,
        paths: uPlot.paths.stepped!({ align: 1 }),
        points: { show: false },
      };
    }
    const facet = { unit: FACET_COLOUR, values: () => colours };
    return {
      label: s.label,
      stroke: colours[0],
      fill: colours[0],
      paths: uPlot.paths.bars!({ size: [0.6, 72], disp: { fill: facet, stroke: facet } }),
      points: { show: false },
    };
  });
  const top = (max: number) => (spec.unit === 'percent' ? 100 : max > 0 ? max * 1.1 : 1);
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: {
        time: false,
        ...(spec.kind === 'bars' ? { range: [-0.5, Math.max(0.5, spec.x.length - 0.5)] as uPlot.Range.MinMax } : {}),
      },
      y: { range: (_u, _min, max) => [0, top(max)] },
    },
    axes: axes(spec, palette),
    series: [{}, ...series],
  };
}

/** Bumps when the theme may have changed colours: the theme choice on <html>, or the system's scheme. */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme-choice', 'class'] });
    const scheme = window.matchMedia?.('(prefers-color-scheme: dark)');
    scheme?.addEventListener('change', bump);
    return () => {
      observer.disconnect();
      scheme?.removeEventListener('change', bump);
    };
  }, []);
  return version;
}

export default function ChartCanvas({ spec }: { spec: ChartSpec }) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useThemeVersion();
  useEffect(() => {
    const element = host.current;
    // No canvas to draw on (a DOM without layout, like jsdom): the figure's table still has every number.
    if (!element || spec.x.length === 0 || typeof ResizeObserver === 'undefined') return;
    const palette = readPalette(element, [...new Set(spec.series.flatMap((s) => s.colours))]);
    const width = () => Math.max(200, Math.floor(element.clientWidth));
    const data = [spec.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData;
    const chart = new uPlot(options(spec, palette, width()), data, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: width(), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [spec, theme]);
  return <div ref={host} className="chart-canvas" aria-hidden="true" />;
}
