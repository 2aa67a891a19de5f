/**
 * Logic-less `{{…}}` templates: a template is a path into the run's scope, nothing more
 * (`{{input.customerId}}`, `{{steps.list.output.items[0].id}}`). Parsing is one linear scan.
 */

export const TEMPLATE_ROOTS = ['input', 'trigger', 'steps', 'variables', 'loop', 'secrets', 'run'] as const;
export type TemplateRoot = (typeof TEMPLATE_ROOTS)[number];

/** `{{steps.a.output.x}}` → root `steps`, path `['a', 'output', 'x']` (the path excludes the root). */
export interface TemplateRef {
  raw: string;
  root: TemplateRoot;
  path: (string | number)[];
}

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'ref'; ref: TemplateRef };

export interface TemplateScope {
  input: unknown;
  trigger?: { data?: unknown };
  steps: Record<string, { output: unknown }>;
  variables: Record<string, unknown>;
  loop?: { item: unknown; index: number; previous?: Record<string, { output: unknown }> };
  run?: { id: string };
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export interface ResolveOptions {
  /** Only http headers, query and body may read secrets. */
  allowSecrets?: boolean;
  secret?: (name: string) => string | undefined;
}

const OPEN = '{{';
const CLOSE = '}}';
const NAME_CHAR = /[\p{L}\p{N}_$-]/u;
const INDEX = /^[0-9]{1,15}$/;
/** Keys that reach an object's prototype machinery; a path through them reads nothing. */
const FORBIDDEN_KEYS: ReadonlySet<string | number> = new Set(['__proto__', 'constructor', 'prototype']);
const ALLOWED_SHAPE = 'only a path is allowed, like {{input.name}} or {{steps.fetch.output.items[0].id}}';
const PREVIEW_CHARS = 60;

/** True when the text holds template syntax, well-formed or not; `parseTemplate` tells which. */
export function hasTemplate(text: string): boolean {
  return text.includes(OPEN);
}

/** Splits text into literal parts and template refs. Character positions in errors are 0-based. */
export function parseTemplate(text: string): { parts: TemplatePart[]; errors: string[] } {
  const parts: TemplatePart[] = [];
  const errors: string[] = [];
  const pushText = (piece: string) => {
    if (piece !== '') parts.push({ kind: 'text', text: piece });
  };
  let cursor = 0;
  while (cursor < text.length) {
    const open = text.indexOf(OPEN, cursor);
    if (open === -1) break;
    const close = text.indexOf(CLOSE, open + OPEN.length);
    if (close === -1) {
      errors.push(`unclosed {{ at character ${open}`);
      break;
    }
    const raw = text.slice(open, close + CLOSE.length);
    const parsed = parseRef(raw);
    if (typeof parsed === 'string') {
      errors.push(`${preview(raw)} at character ${open}: ${parsed}`);
      pushText(text.slice(cursor, close + CLOSE.length));
    } else {
      pushText(text.slice(cursor, open));
      parts.push({ kind: 'ref', ref: parsed });
    }
    cursor = close + CLOSE.length;
  }
  pushText(text.slice(cursor));
  return { parts, errors };
}

/** Parses `{{ root.path }}`; returns the reason when it is not a plain path. */
function parseRef(raw: string): TemplateRef | string {
  const body = raw.slice(OPEN.length, raw.length - CLOSE.length).trim();
  if (body === '') return `an empty template; ${ALLOWED_SHAPE}`;
  const segments = parsePath(body);
  if (typeof segments === 'string') return segments;
  const [root, ...path] = segments;
  if (!isTemplateRoot(root)) {
    return `unknown root ${JSON.stringify(String(root))}; a template starts with one of ${TEMPLATE_ROOTS.join(', ')}`;
  }
  if (root === 'secrets' && (path.length !== 1 || typeof path[0] !== 'string')) {
    return 'a secret is named by one segment, like {{secrets.API_KEY}}';
  }
  return { raw, root, path };
}

/** `a.b[0].c` → `['a', 'b', 0, 'c']`; dots split names, so slugs may hold hyphens. */
function parsePath(body: string): (string | number)[] | string {
  const segments: (string | number)[] = [];
  let at = 0;
  for (;;) {
    const nameEnd = scanName(body, at);
    if (nameEnd === at) return unexpected(body, at);
    segments.push(body.slice(at, nameEnd));
    at = nameEnd;
    while (body[at] === '[') {
      const close = body.indexOf(']', at);
      const digits = close === -1 ? '' : body.slice(at + 1, close);
      if (!INDEX.test(digits)) return `an index is a whole number in brackets, like items[0]; ${ALLOWED_SHAPE}`;
      segments.push(Number(digits));
      at = close + 1;
    }
    if (at === body.length) return segments;
    if (body[at] !== '.') return unexpected(body, at);
    at += 1;
  }
}

function scanName(body: string, from: number): number {
  let at = from;
  while (at < body.length && NAME_CHAR.test(body[at] ?? '')) at += 1;
  return at;
}

function unexpected(body: string, at: number): string {
  let next = at;
  while (next < body.length && /\s/.test(body[next] ?? '')) next += 1;
  const found = next < body.length ? JSON.stringify(body[next]) : 'the end';
  return `${ALLOWED_SHAPE}; expressions, filters and function calls are not supported (found ${found})`;
}

function isTemplateRoot(value: unknown): value is TemplateRoot {
  return (TEMPLATE_ROOTS as readonly unknown[]).includes(value);
}

function preview(raw: string): string {
  return raw.length <= PREVIEW_CHARS ? raw : `${raw.slice(0, PREVIEW_CHARS)}…`;
}

type Segment = string | number;
/** A walk position; segments are linked to the parent, so a deep walk copies no paths. */
interface WalkNode {
  value: unknown;
  parent?: WalkNode;
  key?: Segment;
}

/** Every template in any string nested in `value`, in document order, with the JSON path of its string. */
export function findTemplates(
  value: unknown,
  base: Segment[],
): Array<{ segments: Segment[]; refs: TemplateRef[]; errors: string[] }> {
  const found: Array<{ segments: Segment[]; refs: TemplateRef[]; errors: string[] }> = [];
  // An explicit stack: untrusted values may nest deeper than the call stack allows.
  const pending: WalkNode[] = [{ value }];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    const current = node.value;
    if (typeof current === 'string') {
      if (!hasTemplate(current)) continue;
      const { parts, errors } = parseTemplate(current);
      const refs = parts.flatMap((part) => (part.kind === 'ref' ? [part.ref] : []));
      if (refs.length > 0 || errors.length > 0) found.push({ segments: [...base, ...segmentsOf(node)], refs, errors });
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) {
        pending.push({ value: current[index], parent: node, key: index });
      }
    } else if (current !== null && typeof current === 'object') {
      for (const key of Object.keys(current).reverse()) {
        pending.push({ value: (current as Record<string, unknown>)[key], parent: node, key });
      }
    }
  }
  return found;
}

function segmentsOf(node: WalkNode): Segment[] {
  const segments: Segment[] = [];
  for (let at: WalkNode | undefined = node; at?.key !== undefined; at = at.parent) segments.push(at.key);
  return segments.reverse();
}

/**
 * Deep-resolves templates in `value` into fresh objects; the input is never mutated. A string that is
 * exactly one template keeps the value's type; templates inside text become text.
 */
export function resolveTemplates(value: unknown, scope: TemplateScope, options: ResolveOptions = {}): unknown {
  if (typeof value === 'string') return resolveString(value, scope, options);
  if (Array.isArray(value)) return value.map((item) => resolveTemplates(item, scope, options));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a "__proto__" key stays data instead of becoming a prototype.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveTemplates(item, scope, options)]),
    );
  }
  return value;
}

function resolveString(text: string, scope: TemplateScope, options: ResolveOptions): unknown {
  if (!hasTemplate(text)) return text;
  const { parts, errors } = parseTemplate(text);
  if (errors.length > 0) throw new TemplateError(errors.join('; '));
  const refs = parts.filter((part) => part.kind === 'ref');
  const onlyWhitespaceAround = parts.every((part) => part.kind === 'ref' || part.text.trim() === '');
  if (refs.length === 1 && onlyWhitespaceAround && refs[0]) {
    const resolved = resolveRef(refs[0].ref, scope, options);
    // A copy: the result must not share objects with the run's stored state.
    return resolved === undefined ? undefined : structuredClone(resolved);
  }
  return parts
    .map((part) => (part.kind === 'text' ? part.text : asText(resolveRef(part.ref, scope, options))))
    .join('');
}

function asText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function resolveRef(ref: TemplateRef, scope: TemplateScope, options: ResolveOptions): unknown {
  if (ref.root === 'secrets') return resolveSecret(ref, options);
  return readPath(scope[ref.root], ref.path);
}

/** Errors name the secret, never its value. */
function resolveSecret(ref: TemplateRef, options: ResolveOptions): string {
  const name = String(ref.path[0]);
  if (options.allowSecrets !== true) {
    throw new TemplateError(`${ref.raw}: secrets are only allowed in http headers, query and body`);
  }
  const value = options.secret?.(name);
  if (value === undefined) throw new TemplateError(`secret "${name}" is not set`);
  return value;
}

/** Follows own properties only; a missing step anywhere yields undefined. */
function readPath(start: unknown, path: readonly (string | number)[]): unknown {
  let current = start;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (FORBIDDEN_KEYS.has(segment) || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
