import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The folder READMEs' "May import" rules, checked over the real import graph (type-only imports
 * count too). A rule names what a folder may import; anything else is a violation.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

interface FolderRule {
  /** Folder under src/ (the longest matching rule applies). */
  folder: string;
  /** npm packages (exact names or "scope/*"). */
  packages: string[];
  /** Project paths under src/ it may import: a folder ("schema/") or a file ("engine/records.ts"). */
  internal: string[];
}

const RULES: FolderRule[] = [
  { folder: 'schema', packages: ['zod', 'jsonata', 're2js', 'json5'], internal: ['schema/'] },
  { folder: 'templates', packages: [], internal: ['templates/', 'schema/'] },
  { folder: 'engine', packages: ['zod'], internal: ['engine/', 'schema/'] },
  {
    folder: 'store',
    packages: ['dexie', 'zod'],
    internal: [
      'store/',
      'schema/',
      'engine/store.ts',
      'engine/runBundle.ts',
      'engine/records.ts',
      'engine/recordCheck.ts',
      'templates/demoCustomers.ts',
    ],
  },
  {
    folder: 'llm',
    packages: ['ai', '@ai-sdk/*'],
    internal: ['llm/', 'schema/', 'engine/llmTypes.ts', 'engine/retry.ts'],
  },
  // The demo model is owned separately: provider types only, no network, no clock.
  { folder: 'llm/demo', packages: ['@ai-sdk/provider'], internal: ['llm/demo/', 'schema/'] },
  {
    folder: 'worker',
    packages: ['comlink'],
    internal: ['worker/', 'engine/', 'store/', 'llm/', 'schema/'],
  },
  // The headless command (`tabflow run`): the engine wired for Node (src/tabflow.ts loads the DBOS runtime lazily).
  {
    folder: 'cli',
    packages: ['node:fs', 'node:fs/promises', 'node:path', 'node:util'],
    internal: ['cli/', 'engine/', 'schema/', 'llm/', 'templates/', 'store/bundleCheck.ts'],
  },
  // The DBOS runtime (`tabflow worker` and the server commands): one more adapter around the engine, never a fork.
  {
    folder: 'server',
    packages: ['@dbos-inc/dbos-sdk', 'pg', 'node:async_hooks', 'node:crypto', 'node:fs/promises', 'node:os'],
    internal: [
      'server/',
      'engine/',
      'schema/',
      'llm/',
      'templates/',
      'cli/embedded.ts',
      'cli/environment.ts',
      'cli/report.ts',
      'cli/bundleRun.ts',
      'cli/exportRun.ts',
      'store/bundleCheck.ts',
    ],
  },
  {
    folder: 'ui',
    packages: [
      'react',
      'react-dom/*',
      'zustand',
      'zustand/*',
      'dexie',
      'dexie-react-hooks',
      '@codemirror/*',
      'workbox-window',
      'wouter',
      'wouter/*',
      'regexparam',
      '@xyflow/react',
      '@xyflow/react/*',
      'elkjs/*',
      '@tanstack/react-virtual',
      'uplot',
    ],
    // Run commands reach the executor only through its client (ExecutorContext.tsx).
    internal: [
      'ui/',
      'schema/',
      'store/',
      'templates/',
      'engine/records.ts',
      'worker/client.ts',
      'worker/api.ts',
      'worker/validationClient.ts',
    ],
  },
];

/** CodeMirror stays out of the first screen: only these editor modules may import it. */
const CODEMIRROR_FILES = [
  'ui/editor/JsonEditor.tsx',
  'ui/editor/editorSetup.ts',
  'ui/editor/pathRange.ts',
  'ui/editor/schemaCompletion.ts',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

function resolveInternal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  const found = candidates.find((c) => {
    try {
      return statSync(c).isFile();
    } catch {
      return false;
    }
  });
  return relative(SRC, found ?? base)
    .split('\\')
    .join('/');
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function packageAllowed(specifier: string, allowed: string[]): boolean {
  const name = packageName(specifier);
  return allowed.some((rule) => {
    if (rule.endsWith('/*')) return specifier.startsWith(rule.slice(0, -1)) || name === rule.slice(0, -2);
    return specifier === rule || name === rule;
  });
}

function ruleFor(path: string): FolderRule | undefined {
  return RULES.filter((r) => path.startsWith(`${r.folder}/`)).sort((a, b) => b.folder.length - a.folder.length)[0];
}

const files = sourceFiles(SRC).map((file) => ({ file, path: relative(SRC, file).split('\\').join('/') }));
const graph = new Map(
  files.map(({ file, path }) => [
    path,
    importsOf(file).map((s) => ({ specifier: s, target: resolveInternal(file, s) })),
  ]),
);

describe('architecture: folder import rules from the READMEs', () => {
  it('every folder imports only what its README allows', () => {
    const violations: string[] = [];
    for (const [path, imports] of graph) {
      if (!path.includes('/')) continue; // src/main.tsx mounts the app
      const rule = ruleFor(path);
      if (!rule) {
        violations.push(`${path}: no rule for this folder (add it to RULES and to its README)`);
        continue;
      }
      for (const { specifier, target } of imports) {
        if (target !== undefined) {
          const ok = rule.internal.some((allowed) =>
            allowed.endsWith('/') ? target.startsWith(allowed) : target === allowed,
          );
          if (!ok) violations.push(`${path} imports ${target}, which src/${rule.folder}/ may not import`);
        } else if (!packageAllowed(specifier, rule.packages)) {
          violations.push(`${path} imports the package "${specifier}", which src/${rule.folder}/ may not import`);
        }
        if (specifier.startsWith('@codemirror/') && !CODEMIRROR_FILES.includes(path)) {
          violations.push(`${path} imports CodeMirror outside the lazily loaded editor modules`);
        }
        // React Flow and ELK load with the Graph tab (ui/graph/GraphPane.tsx imports the canvas lazily).
        if (
          /^(@xyflow\/|elkjs\/)/.test(specifier) &&
          (!path.startsWith('ui/graph/') || path === 'ui/graph/GraphPane.tsx')
        ) {
          violations.push(`${path} imports React Flow or ELK outside the lazily loaded graph modules`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('folders do not import each other in a cycle', () => {
    const folderOf = (path: string) => ruleFor(path)?.folder ?? path;
    const edges = new Map<string, Set<string>>();
    for (const [path, imports] of graph) {
      for (const { target } of imports) {
        if (target === undefined || !path.includes('/')) continue;
        const from = folderOf(path);
        const to = folderOf(target);
        // A subfolder may use its parent folder's modules and the reverse (llm ↔ llm/demo is one package).
        if (from === to || from.startsWith(`${to}/`) || to.startsWith(`${from}/`)) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
      }
    }
    const cycles: string[] = [];
    for (const [from, targets] of edges) {
      for (const to of targets) if (edges.get(to)?.has(from) && from < to) cycles.push(`${from} ↔ ${to}`);
    }
    expect(cycles).toEqual([]);
  });

  it('the settings table is read and written only through src/store/settings.ts', () => {
    const direct =
      /\.settings\s*\.\s*(get|put|add|update|delete|clear|where|filter|each|count|toArray|toCollection|bulk\w*)\s*\(/;
    const offenders = files
      .filter(({ path }) => path !== 'store/settings.ts' && direct.test(readFileSync(join(SRC, path), 'utf8')))
      .map(({ path }) => path);
    expect(offenders).toEqual([]);
  });

  it('src/engine/ has no import cycle, not even a type-only one', () => {
    const inEngine = (path: string) => path.startsWith('engine/');
    const edges = new Map<string, string[]>();
    for (const [path, imports] of graph) {
      if (!inEngine(path)) continue;
      edges.set(
        path,
        imports.map((i) => i.target).filter((t): t is string => t !== undefined && inEngine(t)),
      );
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of edges.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('the headless command reaches no browser-only module, even through what it imports', () => {
    const reached = new Set<string>();
    const queue = [...graph.keys()].filter((path) => path.startsWith('cli/'));
    const browserOnly: string[] = [];
    for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
      if (reached.has(path)) continue;
      reached.add(path);
      for (const { specifier, target } of graph.get(path) ?? []) {
        if (target === undefined && /^(dexie|comlink|react|react-dom|workbox-window)(\/|$)/.test(specifier))
          browserOnly.push(`${path} imports ${specifier}`);
        if (target !== undefined && /^(ui|worker)\//.test(target)) browserOnly.push(`${path} imports ${target}`);
        if (target !== undefined) queue.push(target);
      }
    }
    expect(reached.has('cli/main.ts')).toBe(true);
    expect(browserOnly).toEqual([]);
  });

  it('the check sees the real graph (a known import is found)', () => {
    const engine = graph.get('engine/context.ts') ?? [];
    expect(engine.some((i) => i.target === 'schema/expression.ts')).toBe(true);
  });
});
