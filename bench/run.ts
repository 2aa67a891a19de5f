/**
 * `npm run bench`: serves the app build and the bench page on 127.0.0.1, drives headless Chromium
 * over one on-disk profile (IndexedDB at the browser's default durability), prints the figures and
 * goals, and writes bench/results.json. Performance is reported here, never asserted in tests.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { DEMO_TOKENS_PER_SECOND, measureInitialJs, measureStreaming } from './appBench';
import { measureEditor } from './editorBench';
import { measureInspector } from './inspectorBench';
import { measureResults } from './resultsBench';
import { measureEngine } from './engineBench';
import { goals, renderReport } from './report';
import { toDetails, toFigures, toNotes } from './results';
import { CHROMIUM_FLAGS } from '../test/support/chromium';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = fileURLToPath(new URL('.', import.meta.url));
const PROFILE = `${BENCH}tmp/chromium-profile`;

async function serve(configFile: string, root: string): Promise<{ server: PreviewServer; url: string }> {
  const server = await preview({
    configFile,
    root,
    preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false },
    logLevel: 'warn',
  });
  const address = server.httpServer.address();
  if (typeof address !== 'object' || !address) throw new Error('preview server has no address');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

function findChromium(): string {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (p) => p && existsSync(p),
  );
  if (!found) throw new Error('Chromium not found: set CHROMIUM_PATH or apt-get install -y chromium');
  return found;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function openBenchPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

async function machine(context: BrowserContext): Promise<string> {
  const page = await context.newPage();
  const session = await context.newCDPSession(page);
  const { product } = (await session.send('Browser.getVersion')) as { product: string };
  await page.close();
  const cpu = cpus();
  const browserName = product.replace(/^(Headless)?Chrome\//, 'Chromium ');
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${browserName}, ${new Date().toISOString()}`;
}

async function main(): Promise<void> {
  for (const built of [`${ROOT}dist/index.html`, `${BENCH}dist/index.html`]) {
    if (!existsSync(built))
      throw new Error(`${built} is missing: \`npm run bench\` builds the app and the bench page first`);
  }
  rmSync(PROFILE, { recursive: true, force: true });
  mkdirSync(PROFILE, { recursive: true });
  const app = await serve(`${ROOT}vite.config.ts`, ROOT);
  const bench = await serve(`${BENCH}vite.config.ts`, BENCH);
  // A persistent profile keeps IndexedDB on disk, as for a person (an incognito context keeps it in memory).
  const context = await chromium.launchPersistentContext(PROFILE, {
    executablePath: findChromium(),
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
  });
  try {
    const about = await machine(context);
    log('initial JavaScript of the app');
    const initialJs = measureInitialJs(`${ROOT}dist`);
    log('four LLM steps streaming in the app');
    const stream = await measureStreaming(context, app.url);
    log('the visual editor: 20- and 200-step graphs');
    const editor = await measureEditor(context, app.url);
    log('the runs list (5,000 runs) and a run of 10,000 steps');
    const inspector = await measureInspector(context, app.url);
    log('the results table of an experiment of 10,000 rows × 2 variants');
    const experimentResults = await measureResults(context, app.url);
    for (const open of context.pages()) await open.close();
    const page = await openBenchPage(context, bench.url);
    const engine = await measureEngine(context, page);
    const measures = {
      engine,
      stream,
      editor,
      inspector,
      results: experimentResults,
      initialJs,
      requestedTokensPerSecond: DEMO_TOKENS_PER_SECOND,
    };
    const figures = toFigures(measures);
    const durability =
      'IndexedDB durability: the browser default for every figure ' +
      `(IDBTransaction.durability "${engine.raw.durability}", which Chromium runs as relaxed), on-disk profile`;
    console.log(renderReport(figures, [`Tabflow bench — ${about}`, durability], toNotes(measures)));
    const results = { machine: about, durability, ...figures, goals: goals(figures), details: toDetails(measures) };
    writeFileSync(`${BENCH}results.json`, `${JSON.stringify(results, null, 2)}\n`);
    log('wrote bench/results.json');
  } finally {
    await context.close();
    await app.server.close();
    await bench.server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
