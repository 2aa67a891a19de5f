import {
  compilePattern,
  isSchemaObject,
  pointerSegment,
  RE2_SYNTAX_HINT,
  type CompiledPattern,
} from './jsonSchemaKeywords';

/** One validation's state and the helpers every keyword uses: the work budget, errors, locations. */

export interface SchemaError {
  /** JSON pointer into the value ("" is the value itself, "/items/2/price"). */
  instancePath: string;
  /** JSON pointer into the schema of the keyword that failed ("#/properties/email/pattern"). */
  schemaPath: string;
  message: string;
}

/** Work units (schema-node visits; a regex match costs by text × program size) per validation. */
export const SCHEMA_WORK_BUDGET = 2_000_000;
/** Wall-clock cap per validation, checked every `CLOCK_EVERY` units of work. */
export const SCHEMA_TIME_BUDGET_MS = 1_000;
const CLOCK_EVERY = 1024;
const MAX_ERRORS = 20;
export const TOO_COSTLY = 'the schema is too costly to check';

/**
 * Where a check is, kept as links to its parent so that paths are only spelled out for an error:
 * building them on every visit would cost more than the checks themselves.
 */
export interface Where {
  readonly up: Where | undefined;
  /** The step into the value from `up` (undefined: same value). */
  readonly instanceKey: string | number | undefined;
  /** Keys into the schema from `up`, or an absolute `#/…` location (the target of a `$ref`). */
  readonly schemaStep: readonly (string | number)[] | string;
  readonly depth: number;
  /** `$ref`s followed since the check last went into the value: meeting one again is a loop. */
  readonly refs: RefLink | undefined;
}

export interface RefLink {
  readonly ref: string;
  readonly next: RefLink | undefined;
}

export const ROOT: Where = { up: undefined, instanceKey: undefined, schemaStep: '#', depth: 0, refs: undefined };

export function instancePath(at: Where): string {
  const keys: Array<string | number> = [];
  for (let w: Where | undefined = at; w; w = w.up) if (w.instanceKey !== undefined) keys.push(w.instanceKey);
  return keys.reverse().map(pointerSegment).join('');
}

export function schemaPath(at: Where): string {
  const parts: string[] = [];
  for (let w: Where | undefined = at; w; w = w.up) {
    if (typeof w.schemaStep === 'string') return w.schemaStep + parts.reverse().join('');
    for (let i = w.schemaStep.length - 1; i >= 0; i--) parts.push(pointerSegment(w.schemaStep[i]!));
  }
  return `#${parts.reverse().join('')}`;
}

/** Errors to collect into, or undefined when only the yes/no answer matters (stops at the first failure). */
export type Sink = SchemaError[] | undefined;

export type CheckFn = (run: Run, schema: unknown, instance: unknown, at: Where, sink: Sink) => boolean;

export interface Run {
  root: unknown;
  /** The node check, passed in so keyword modules can descend without importing the dispatcher. */
  check: CheckFn;
  work: number;
  nextClock: number;
  deadline: number;
  /** Local `$ref` targets already looked up. */
  refs: Map<string, unknown>;
}

export function newRun(root: unknown, check: CheckFn): Run {
  return {
    root,
    check,
    work: 0,
    nextClock: CLOCK_EVERY,
    deadline: performance.now() + SCHEMA_TIME_BUDGET_MS,
    refs: new Map(),
  };
}

/** Thrown to abandon a check whose schema cannot be used; becomes a `schema` verdict. */
export class SchemaUnusable extends Error {
  constructor(readonly detail: SchemaError) {
    super(detail.message);
  }
}

export function unusable(at: Where, message: string): never {
  throw new SchemaUnusable({ instancePath: instancePath(at), schemaPath: schemaPath(at), message });
}

/** Counts work before it is done, so a costly check stops before it starts rather than hangs. */
export function charge(run: Run, units: number, at: Where, what: string): void {
  run.work += units;
  if (run.work > SCHEMA_WORK_BUDGET)
    unusable(at, `${TOO_COSTLY}: ${what} takes more than ${SCHEMA_WORK_BUDGET.toLocaleString('en')} steps`);
  if (run.work >= run.nextClock) {
    run.nextClock = run.work + CLOCK_EVERY;
    if (performance.now() > run.deadline)
      unusable(at, `${TOO_COSTLY}: it took longer than ${SCHEMA_TIME_BUDGET_MS} ms`);
  }
}

/** Records an error of `keyword` (at `at`), about the value itself or its member `instanceKey`. */
export function fail(sink: Sink, at: Where, keyword: string, message: string, instanceKey?: string | number): false {
  if (sink && sink.length < MAX_ERRORS) {
    const base = schemaPath(at);
    const where = instanceKey === undefined ? at : child(at, instanceKey);
    sink.push({ instancePath: instancePath(where), schemaPath: keyword ? `${base}/${keyword}` : base, message });
  }
  return false;
}

/** The location one step in: into the value (`instanceKey`) and/or the schema (`schemaKeys`). */
export function child(
  at: Where,
  instanceKey: string | number | undefined,
  ...schemaKeys: Array<string | number>
): Where {
  const refs = instanceKey === undefined ? at.refs : undefined;
  return { up: at, instanceKey, schemaStep: schemaKeys, depth: at.depth + 1, refs };
}

/** The pattern compiled for RE2 (cached by source); a pattern RE2 cannot compile makes the schema unusable. */
export function usablePattern(run: Run, source: string, at: Where): CompiledPattern & { ok: true } {
  charge(run, source.length, at, 'compiling the pattern');
  const pattern = compilePattern(source);
  if (!pattern.ok) unusable(at, `the pattern ${preview(source)} cannot be used: ${pattern.reason}; ${RE2_SYNTAX_HINT}`);
  return pattern;
}

/** JSON equality: same type and value, objects regardless of key order. */
export function jsonEqual(run: Run, a: unknown, b: unknown, at: Where): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonical(run, a, at) === canonical(run, b, at);
}

/** Key-sorted JSON text of a value: equal JSON values give equal text. */
export function canonical(run: Run, value: unknown, at: Where): string {
  const text =
    JSON.stringify(value, (_key, v: unknown) =>
      isSchemaObject(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, v[k]]),
          )
        : v,
    ) ?? 'undefined';
  charge(run, Math.ceil(text.length / 32), at, 'comparing values');
  return text;
}

/** A value quoted for a message, cut short when long. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
