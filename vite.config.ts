/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { workflowJsonSchemaText } from './src/schema/jsonSchema.ts';

/** Serves `/workflow.schema.json` in dev and emits it into the build, generated from the zod schemas. */
function workflowSchemaPlugin(): Plugin {
  const fileName = 'workflow.schema.json';
  return {
    name: 'workflow-json-schema',
    configureServer(server) {
      server.middlewares.use(`/${fileName}`, (_req, res) => {
        res.setHeader('Content-Type', 'application/schema+json');
        res.end(workflowJsonSchemaText());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName, source: workflowJsonSchemaText() });
    },
  };
}

export default defineConfig({
  plugins: [react(), workflowSchemaPlugin()],
  worker: { format: 'es' },
  // The worker imports the AI SDK lazily (first model round); pre-bundled at dev start, they do not
  // make Vite re-optimize and reload the page in the middle of someone's first run.
  optimizeDeps: { include: ['ai', '@ai-sdk/openai'] },
  build: { target: 'es2022', sourcemap: true },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', environment: 'node', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'adversarial', environment: 'node', include: ['test/adversarial/**/*.test.ts'], testTimeout: 60 * 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'component',
          environment: 'jsdom',
          include: ['test/component/**/*.test.{ts,tsx}'],
          setupFiles: ['test/component/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
