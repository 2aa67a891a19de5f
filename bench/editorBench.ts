import type { BrowserContext, Page } from 'playwright-core';
import { buildExportFile, exportText } from '../src/schema/exporter';
import { buildShareLink } from '../src/schema/share';
import { editorWorkflow, LARGE, SMALL, type EditorWorkflow } from './editorWorkflows';

/** The visual editor in the real app build: opening the Graph tab, dragging a node, typing in a step form. */

/**
 * Pressing the Graph tab → every node drawn and measured: `drawnMs` on whichever layout is up (the
 * quick one until ELK's arrives), `elkMs` on ELK's. First: chunks and ELK's worker load; again: the
 * JSON tab and back, the graph mounted anew (ELK's layout of the same structure is remembered).
 */
export interface OpenFigure {
  firstDrawnMs: number;
  firstElkMs: number;
  againDrawnMs: number;
  againElkMs: number;
}

export interface EditorFigures {
  /** A 3-step workflow opened first: the graph's chunks download and ELK's worker starts (not counted below). */
  coldOpenMs: number;
  open200: OpenFigure;
  open20: OpenFigure;
  /** Long tasks while a node of the 200-step graph is dragged and dropped (until 1 s after the drop). */
  dragLongTasks: number;
  dragLongestTaskMs: number;
  /** Per keystroke in the LLM step's "User prompt" field of the 200-step graph: keydown → its work done. */
  keystrokeMedianMs: number;
  keystrokeMaxMs: number;
  typingLongTasks: number;
  keystrokes: number;
  /** The keystrokes' stages (see `OBSERVERS`), median and max of each in ms. */
  keystrokeStages: Record<keyof KeystrokeStage, { medianMs: number; maxMs: number }>;
}

interface KeystrokeStage {
  beforeInput: number;
  inputHandlers: number;
  afterInput: number;
}

function medianAndMax(values: readonly number[]): { medianMs: number; maxMs: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0, maxMs: sorted[sorted.length - 1] ?? 0 };
}

/**
 * Long tasks and keystroke timings, collected from the first moment of the page. Each typed key is
 * also split in stages, with performance measures of the same names for a trace: `keystroke:before-input`
 * (keydown, keypress and the browser's own editing), `keystroke:input-handlers` (the input event's handlers:
 * React's render and commit, the document session), `keystroke:after-input` (what runs before the next
 * task: the frame that shows the key, effects).
 */
const OBSERVERS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.__keystrokes = [];
  window.__keystrokeStages = [];
  addEventListener('keydown', (event) => {
    if (!(event.target instanceof HTMLTextAreaElement)) return;
    // Only keys that type: a key that changes no text (End, an arrow) would be timed until the next key's input.
    if (event.key.length !== 1 && event.key !== 'Backspace' && event.key !== 'Delete') return;
    const start = performance.now();
    performance.mark('keystroke-start');
    let input = start;
    let handled = start;
    // After the input event's handlers and the microtasks React flushes its render in, a task later.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const end = performance.now();
      performance.mark('keystroke-end');
      performance.measure('keystroke:before-input', { start, end: input });
      performance.measure('keystroke:input-handlers', { start: input, end: handled });
      performance.measure('keystroke:after-input', { start: handled, end });
      window.__keystrokes.push(end - start);
      const stage = { beforeInput: input - start, inputHandlers: handled - input, afterInput: end - handled };
      window.__keystrokeStages.push(stage);
    };
    // Capture on window runs before React's listener on its root, bubbling on window after it.
    addEventListener('input', () => (input = performance.now()), { once: true, capture: true });
    addEventListener('input', () => {
      handled = performance.now();
      channel.port2.postMessage(null);
    }, { once: true, capture: false });
  }, true);
`;

async function importByLink(page: Page, appUrl: string, workflow: EditorWorkflow): Promise<void> {
  const name = workflow.doc.workflowConfig.name;
  await page.goto(await buildShareLink(exportText(buildExportFile(workflow.doc, () => undefined)), appUrl));
  await page
    .getByRole('dialog', { name: 'Import preview' })
    .getByRole('button', { name: 'Import', exact: true })
    .click();
  await page.locator(`[data-testid="workflow-item"][data-workflow-name="${name}"]`).click();
  // The JSON tab opens first: its editor loads and checks the text before the Graph tab is pressed.
  await page.locator('[data-testid="json-editor"] .cm-editor').waitFor();
  await page.waitForTimeout(1_500);
}

/** Ms from pressing the Graph tab until every node is drawn and measured (React Flow shows a node once measured). */
async function openGraph(page: Page, nodes: number): Promise<{ drawnMs: number; elkMs: number }> {
  const from = await page.evaluate(() => performance.now());
  await page.getByRole('tab', { name: 'Graph' }).click();
  const drawnWith = (layout: 'any' | 'elk') =>
    page.waitForFunction(
      ({ expected, layout }) => {
        const canvas = document.querySelector<HTMLElement>('[data-testid="graph-canvas"]');
        if (!canvas || (layout === 'elk' && canvas.dataset.layout !== 'elk')) return false;
        const all = [...canvas.querySelectorAll<HTMLElement>('.react-flow__node')];
        const shown = all.length === expected && all.every((n) => n.style.visibility !== 'hidden');
        return shown && performance.now();
      },
      { expected: nodes, layout },
      { polling: 'raf', timeout: 30_000 },
    );
  const [drawn, elk] = await Promise.all([drawnWith('any'), drawnWith('elk')]);
  return {
    drawnMs: ((await drawn.jsonValue()) as number) - from,
    elkMs: ((await elk.jsonValue()) as number) - from,
  };
}

async function measureOpen(page: Page, workflow: EditorWorkflow): Promise<OpenFigure> {
  const first = await openGraph(page, workflow.nodes);
  await page.getByRole('tab', { name: 'JSON' }).click();
  const again = await openGraph(page, workflow.nodes);
  return { firstDrawnMs: first.drawnMs, firstElkMs: first.elkMs, againDrawnMs: again.drawnMs, againElkMs: again.elkMs };
}

async function longTasksSince(page: Page, from: number): Promise<Array<{ start: number; duration: number }>> {
  const all = await page.evaluate(
    () => (window as unknown as { __longTasks: Array<{ start: number; duration: number }> }).__longTasks,
  );
  return all.filter((t) => t.start >= from);
}

async function measureDrag(page: Page): Promise<{ count: number; longest: number }> {
  const node = page.locator('[data-testid="graph-node"][data-slug="b8_ask"]');
  await node.scrollIntoViewIfNeeded();
  const box = (await node.boundingBox())!;
  const from = await page.evaluate(() => performance.now());
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 30; i++) await page.mouse.move(box.x + box.width / 2 + i * 8, box.y + box.height / 2 + i * 3);
  await page.mouse.up();
  await page.waitForTimeout(1_000);
  const tasks = await longTasksSince(page, from);
  return { count: tasks.length, longest: tasks.reduce((m, t) => Math.max(m, t.duration), 0) };
}

async function measureTyping(page: Page, workflow: EditorWorkflow) {
  await page.locator(`[data-testid="graph-node"][data-slug="${workflow.promptStep}"]`).click();
  // The form loads its data (last run, secret names) and is drawn for the first time once the step is
  // selected: that is the selection's work, so typing starts once the form is ready and the page is quiet.
  await page.locator('[data-testid="step-form"][data-state="ready"]').waitFor();
  const field = page.getByTestId('step-form').getByLabel('User prompt');
  await field.click();
  await page.keyboard.press('End');
  await page.waitForTimeout(500);
  type Collected = { __keystrokes: number[]; __keystrokeStages: KeystrokeStage[] };
  const from = await page.evaluate(() => {
    const collected = window as unknown as Collected;
    collected.__keystrokes = [];
    collected.__keystrokeStages = [];
    return performance.now();
  });
  await page.keyboard.type(' and a few more words typed at a steady pace', { delay: 60 });
  await page.waitForTimeout(1_000);
  const { times, stages } = await page.evaluate(() => {
    const collected = window as unknown as Collected;
    return { times: collected.__keystrokes, stages: collected.__keystrokeStages };
  });
  const { medianMs, maxMs } = medianAndMax(times);
  const tasks = await longTasksSince(page, from);
  return {
    keystrokes: times.length,
    median: medianMs,
    max: maxMs,
    longTasks: tasks.length,
    stages: {
      beforeInput: medianAndMax(stages.map((s) => s.beforeInput)),
      inputHandlers: medianAndMax(stages.map((s) => s.inputHandlers)),
      afterInput: medianAndMax(stages.map((s) => s.afterInput)),
    },
  };
}

export async function measureEditor(context: BrowserContext, appUrl: string): Promise<EditorFigures> {
  const page = await context.newPage();
  await page.addInitScript(OBSERVERS);
  const tiny = editorWorkflow('Bench: 3-step graph', 0, 2);
  await importByLink(page, appUrl, tiny);
  const cold = await openGraph(page, tiny.nodes);
  const small = SMALL('Bench: 20-step graph');
  await importByLink(page, appUrl, small);
  const open20 = await measureOpen(page, small);
  const large = LARGE('Bench: 200-step graph');
  await importByLink(page, appUrl, large);
  const open200 = await measureOpen(page, large);
  const drag = await measureDrag(page);
  const typing = await measureTyping(page, large);
  await page.close();
  return {
    coldOpenMs: cold.elkMs,
    open200,
    open20,
    dragLongTasks: drag.count,
    dragLongestTaskMs: drag.longest,
    keystrokeMedianMs: typing.median,
    keystrokeMaxMs: typing.max,
    typingLongTasks: typing.longTasks,
    keystrokes: typing.keystrokes,
    keystrokeStages: typing.stages,
  };
}
