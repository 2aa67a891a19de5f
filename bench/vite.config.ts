import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The bench page: its own root and output (`bench/dist`), so the app's build never sees it.
 * Bench-only runners live in the bench worker; the product's schema and worker are untouched.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The bench page has no public assets; the app's `public/` must not be copied in.
  publicDir: false,
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, sourcemap: true },
  logLevel: 'warn',
});
