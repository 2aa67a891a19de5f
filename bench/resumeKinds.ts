import type { Page } from 'playwright-core';
import type { ResumeFigure, RunFigure } from './protocol';
import type { ResumeKind } from './resumeWorkflows';

/**
 * Resume after a long history of the two kinds a resume once read whole (`src/engine/frontier.ts`): a loop cut off
 * in the last of its 10,000 iterations against one of 100, and a line of 1,000 model steps (a no-op model) against 10.
 * Each from a fresh worker to the cut-off step starting again, as `resume_ms_*`.
 */

type Resumed = ResumeFigure & { workerClockSkewMs: number };

export interface ResumeKindMeasures {
  loop100: Resumed;
  loop10000: Resumed;
  model10: Resumed;
  model1000: Resumed;
}

export interface ResumeKindFigures {
  resume_loop_ms_10000: number;
  resume_loop_ms_100: number;
  resume_loop_records_10000: number;
  resume_model_ms_1000: number;
  resume_model_ms_10: number;
  resume_model_records_1000: number;
}

export const RESUME_KIND_UNITS: Record<keyof ResumeKindFigures, string> = {
  resume_loop_ms_10000: 'ms',
  resume_loop_ms_100: 'ms',
  resume_loop_records_10000: 'records',
  resume_model_ms_1000: 'ms',
  resume_model_ms_10: 'ms',
  resume_model_records_1000: 'records',
};

/** Prepares the run in the page's worker, ends that worker, lets a fresh one resume; the page is reloaded after. */
async function resumeOf(page: Page, kind: ResumeKind, count: number): Promise<Resumed> {
  const prepared: RunFigure = await page.evaluate(([n, k]) => window.bench.worker.prepareResume(n, k), [
    count,
    kind,
  ] as const);
  if (prepared.status === 'failed') throw new Error(`the ${kind} run of ${count} to resume failed`);
  const resumed = await page.evaluate(() => window.bench.resume());
  if (resumed.status !== 'completed') throw new Error(`the resumed ${kind} run of ${count} ended ${resumed.status}`);
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor();
  return resumed;
}

export async function measureResumeKinds(page: Page, log: (message: string) => void): Promise<ResumeKindMeasures> {
  log('resume: a loop after 100, then 10,000 iterations; 10, then 1,000 model steps');
  return {
    loop100: await resumeOf(page, 'loop', 100),
    loop10000: await resumeOf(page, 'loop', 10_000),
    model10: await resumeOf(page, 'model', 10),
    model1000: await resumeOf(page, 'model', 1000),
  };
}

const round = (value: number) => Math.round(value * 10) / 10;

export function resumeKindFigures(m: ResumeKindMeasures): ResumeKindFigures {
  return {
    resume_loop_ms_10000: round(m.loop10000.nextStepStartedMs),
    resume_loop_ms_100: round(m.loop100.nextStepStartedMs),
    resume_loop_records_10000: m.loop10000.stepsLoaded,
    resume_model_ms_1000: round(m.model1000.nextStepStartedMs),
    resume_model_ms_10: round(m.model10.nextStepStartedMs),
    resume_model_records_1000: m.model1000.stepsLoaded,
  };
}

/** Each long resume within 1.5 × its short one: a resume's cost does not grow with the history behind it. */
export function resumeKindGoals(f: ResumeKindFigures): Array<{ name: string; pass: boolean; detail: string }> {
  return [
    ['resume_loop_ms_10000 ≤ 1.5 × resume_loop_ms_100', f.resume_loop_ms_10000, f.resume_loop_ms_100] as const,
    ['resume_model_ms_1000 ≤ 1.5 × resume_model_ms_10', f.resume_model_ms_1000, f.resume_model_ms_10] as const,
  ].map(([name, long, short]) => {
    const growth = short > 0 ? long / short : 0;
    return {
      name,
      pass: growth > 0 && growth <= 1.5,
      detail: `${growth.toFixed(2)} × (${long.toFixed(0)} / ${short.toFixed(0)} ms)`,
    };
  });
}
