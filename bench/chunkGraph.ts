import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** How a build's chunks load each other, read from the built files (no source maps). */

/** `<script type="module" src>` and `<link rel="modulepreload" href>` of a built index.html. */
function htmlScripts(html: string): string[] {
  const urls: string[] = [];
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
    const attribute = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
    if (tag.startsWith('<script') && attribute('type') === 'module' && attribute('src')) urls.push(attribute('src')!);
    if (tag.startsWith('<link') && attribute('rel') === 'modulepreload' && attribute('href'))
      urls.push(attribute('href')!);
  }
  return urls;
}

/** Static `import … from "./x.js"` / `import "./x.js"` of a built chunk (never `import("…")`, which is lazy). */
export function staticImports(code: string): string[] {
  return [...code.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g)].map((m) => m[1]!);
}

/** `import("./x.js")` (or with a template literal) of a built chunk. */
export function dynamicImports(code: string): string[] {
  return [...code.matchAll(/\bimport\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g)].map((m) => m[1]!);
}

/**
 * The first screen's chunks: index.html's module entry and modulepreloads and, transitively, every chunk
 * they import statically. Paths as served (`/assets/x.js`).
 */
export function initialChunks(distDir: string): string[] {
  const pending = htmlScripts(readFileSync(join(distDir, 'index.html'), 'utf8')).map(
    (url) => new URL(url, 'http://app/'),
  );
  const seen: string[] = [];
  for (let url = pending.shift(); url; url = pending.shift()) {
    if (url.origin !== 'http://app' || seen.includes(url.pathname)) continue;
    seen.push(url.pathname);
    const body = readFileSync(join(distDir, decodeURIComponent(url.pathname)), 'utf8');
    pending.push(...staticImports(body).map((next) => new URL(next, url)));
  }
  return seen;
}

/** Every JavaScript chunk of the build's assets folder, by file name, with its code. */
export function assetChunks(distDir: string): Map<string, string> {
  const chunks = new Map<string, string>();
  for (const name of readdirSync(join(distDir, 'assets')).filter((n) => n.endsWith('.js')))
    chunks.set(name, readFileSync(join(distDir, 'assets', name), 'utf8'));
  return chunks;
}
