import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    chromiumPath: string | null;
  }
}

let server: PreviewServer | undefined;

/** Finds Chromium; outside CI its absence skips the browser tests loudly, in CI it fails the run. */
function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    Boolean,
  ) as string[];
  const found = candidates.find((path) => existsSync(path)) ?? null;
  if (found) return found;
  if (process.env.CI === 'true') {
    throw new Error(
      'Chromium not found (set CHROMIUM_PATH or apt-get install -y chromium): browser tests cannot run in CI.',
    );
  }
  console.warn(`\n\n${'#'.repeat(56)}\n SKIPPED browser tests: install chromium\n${'#'.repeat(56)}\n`);
  return null;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const chromiumPath = findChromium();
  project.provide('chromiumPath', chromiumPath);
  // TABFLOW_DIST_DIR lets parallel work build and test its own copy of the app.
  const outDir = resolve(process.env.TABFLOW_DIST_DIR ?? resolve(import.meta.dirname, '../../dist'));
  if (!existsSync(resolve(outDir, 'index.html')))
    throw new Error(`${outDir} is missing: run \`npm run build\` before the browser tests (npm test does).`);
  server = await preview({
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'warn',
  });
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 4173;
  project.provide('baseUrl', `http://127.0.0.1:${port}/`);
  return async () => {
    await server?.close();
  };
}
