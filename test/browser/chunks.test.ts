import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetChunks, dynamicImports, initialChunks, staticImports } from '../../bench/chunkGraph';

const DIST = resolve(process.env.TABFLOW_DIST_DIR ?? join(import.meta.dirname, '../../dist'));

/**
 * A chunk that failed to download stays failed in the page's module map under its URL; Retry can only
 * ask for the lazy chunk itself again under a fresh URL (`LazyBoundary`). So a lazy chunk may import
 * statically only chunks that are surely loaded before it: the first screen's, or the chunk that loads it.
 */
describe('the built chunks', () => {
  it('a lazy chunk statically imports only first-screen chunks or the chunk that loads it', () => {
    const chunks = assetChunks(join(DIST));
    const initial = new Set(initialChunks(DIST).map((path) => path.replace(/^\/assets\//, '')));
    const loadedBy = new Map<string, Set<string>>();
    for (const [name, code] of chunks)
      for (const target of dynamicImports(code).map((path) => path.replace(/^\.\//, '')))
        loadedBy.set(target, (loadedBy.get(target) ?? new Set()).add(name));
    const problems: string[] = [];
    for (const [name, code] of chunks) {
      if (initial.has(name)) continue;
      const loaders = loadedBy.get(name) ?? new Set<string>();
      for (const dependency of staticImports(code).map((path) => path.replace(/^\.\//, ''))) {
        if (initial.has(dependency)) continue;
        // Allowed when every chunk that loads this one holds the dependency or is it.
        const loaded = loaders.size > 0 && [...loaders].every((loader) => loader === dependency);
        if (!loaded) problems.push(`${name} imports the lazy chunk ${dependency}`);
      }
    }
    expect(initial.size).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
