/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
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

/** The window's title bar takes the header's colour (dark in both themes); the splash screen the page's background. */
const THEME_COLOUR = '#14171c';
const BACKGROUND_COLOUR = '#f4f5f7';

/**
 * What `npm run dev` answers for `/sw.js`: a worker that removes itself. A service worker left by a
 * `vite preview` on the same origin would otherwise keep serving that old build in place of the dev
 * files; the browser's update check fetches this, which drops its caches and reloads the pages it held.
 */
const DEV_SELF_REMOVING_SW = `self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil((async () => {
  for (const key of await caches.keys()) await caches.delete(key);
  await self.registration.unregister();
  for (const client of await self.clients.matchAll({ type: 'window' })) client.navigate(client.url);
})()));
`;

function devServiceWorkerRemovalPlugin(): Plugin {
  return {
    name: 'dev-service-worker-removal',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/sw.js', (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript');
        res.setHeader('Cache-Control', 'no-store');
        res.end(DEV_SELF_REMOVING_SW);
      });
    },
  };
}

/**
 * The service worker (Workbox generateSW) precaches every file the app can load — page, both workers,
 * every lazy chunk, the schema, icons, fonts — so after one visit it starts and runs offline. Prompt
 * mode: a new deployment waits until the person presses Reload (src/ui/pwa/); registration is in
 * src/ui/pwa/registerServiceWorker.ts, never an inline script (the CSP refuses those).
 */
const pwaPlugin = () =>
  VitePWA({
    registerType: 'prompt',
    injectRegister: false,
    devOptions: { enabled: false },
    // The glob below already takes every icon; listing them again would only duplicate manifest entries.
    includeManifestIcons: false,
    manifest: {
      name: 'Tabflow — durable LLM workflows',
      short_name: 'Tabflow',
      description: 'Durable multi-step LLM workflows that run entirely in your browser.',
      // Relative to the manifest's own URL, so the build works from any static path.
      start_url: '.',
      scope: '.',
      id: '.',
      display: 'standalone',
      background_color: BACKGROUND_COLOUR,
      theme_color: THEME_COLOUR,
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    workbox: {
      // Worker scripts and lazy chunks are plain files under assets/: the glob takes them all. Source
      // maps (*.map) and the README's screenshot are not needed to run.
      globPatterns: ['**/*.{js,css,html,json,svg,png,ico,woff,woff2,webmanifest}'],
      // The plugin lists the manifest itself.
      globIgnores: ['**/*.map', 'screenshot.png', 'manifest.webmanifest'],
      // The graph's layout engine is ~1.5 MB. A file over this limit fails the build (the plugin's choice),
      // so the offline copy is never silently incomplete.
      maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
      navigateFallback: 'index.html',
      // Takes the first visit's page at once (its files are this very build); a later version still
      // waits in `installed` until Reload sends SKIP_WAITING.
      clientsClaim: true,
      cleanupOutdatedCaches: true,
      sourcemap: false,
    },
  });

export default defineConfig({
  // Relative asset URLs: with hash routes (src/ui/routing/) the build runs from any static host and path.
  base: './',
  plugins: [
    react(),
    workflowSchemaPlugin(),
    contentSecurityPolicyPlugin(),
    pwaPlugin(),
    devServiceWorkerRemovalPlugin(),
  ],
  worker: { format: 'es' },
  // The worker imports the AI SDK lazily (first model round); pre-bundled at dev start, they do not
  // make Vite re-optimize and reload the page in the middle of someone's first run.
  optimizeDeps: { include: ['ai', '@ai-sdk/openai'] },
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      output: {
        // zod and the switch that turns its JIT off share one chunk, so no schema anywhere (whichever chunk
        // builds it) is constructed before the switch: an object schema probes `new Function` when built.
        codeSplitting: {
          groups: [{ name: 'zod', test: /node_modules[\\/]zod[\\/]|src[\\/]schema[\\/]zodJitless\.ts$/ }],
        },
      },
    },
  },
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
          name: 'server',
          environment: 'node',
          include: ['test/server/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
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
