/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { workflowJsonSchemaText } from './src/schema/jsonSchema.ts';

/**
 * The Content-Security-Policy. No inline or eval'd script anywhere (workflow content is data, never
 * code); `connect-src` is open because model providers and http steps are the user's own choice,
 * and every host a workflow contacts is governed by the host allow-list and consent, not by CSP.
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // The JSON editor (CodeMirror) injects its styles as <style> elements at run time; style attributes stay refused.
  'style-src': ["'self'"],
  'style-src-elem': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'", 'https:', 'http:', 'ws:', 'wss:'],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'none'"],
};

/** Directives a browser honours only in a response header, never in a meta tag. */
const HEADER_ONLY_DIRECTIVES: Record<string, string[]> = { 'frame-ancestors': ["'none'"] };

export const policyText = (directives: Record<string, string[]>) =>
  Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');

/** The policy as `vite preview` sends it with every response (the worker's script included). */
export const CSP_HEADER = policyText({ ...CONTENT_SECURITY_POLICY, ...HEADER_ONLY_DIRECTIVES });

/**
 * Puts the policy in the built index.html, first in <head>. Build only: `npm run dev` serves an
 * inline React-refresh preamble that the policy would refuse.
 */
function contentSecurityPolicyPlugin(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: policyText(CONTENT_SECURITY_POLICY) },
        injectTo: 'head-prepend',
      },
    ],
  };
}

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
  plugins: [react(), workflowSchemaPlugin(), contentSecurityPolicyPlugin()],
  worker: { format: 'es' },
  // The worker imports the AI SDK lazily (first model round); pre-bundled at dev start, they do not
  // make Vite re-optimize and reload the page in the middle of someone's first run.
  optimizeDeps: { include: ['ai', '@ai-sdk/openai'] },
  build: { target: 'es2022', sourcemap: true },
  preview: { headers: { 'Content-Security-Policy': CSP_HEADER } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', environment: 'node', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'adversarial',
          environment: 'node',
          include: ['test/adversarial/**/*.test.ts'],
          testTimeout: 60 * 60_000,
        },
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
