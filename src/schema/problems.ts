/** A validation finding: what is wrong, where (JSON path), and in which step. */
export type Severity = 'error' | 'warning';
export type PathSegment = string | number;

export interface Problem {
  severity: Severity;
  /** Stable machine-readable kind, e.g. "duplicate-slug". */
  code: string;
  /** JSON path from the file's root, e.g. `$.stepsConfig[2].config.llmNode.tools[0]`. */
  path: string;
  /** The same path as segments, for editors that map it to a text range. */
  segments: PathSegment[];
  /** Slug of the step the problem is in, when it is in one. */
  slug?: string;
  message: string;
  /** Set on the one problem that stands for the rest of a kind left out by `ProblemCollector`. */
  omitted?: { code: string; count: number };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Messages, slugs and path keys quote file content, which may be a megabyte long: shown clipped. */
const MESSAGE_CHARS = 1_000;
const SHOWN_KEY_CHARS = 120;

/** `text` cut to `max` characters (never inside a surrogate pair), marked with "…" when cut. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/** `["stepsConfig", 2, "config"]` → `$.stepsConfig[2].config`; long keys are clipped (the segments stay exact). */
export function formatJsonPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment) && segment.length <= SHOWN_KEY_CHARS) out += `.${segment}`;
    else out += `[${JSON.stringify(clipText(segment, SHOWN_KEY_CHARS))}]`;
  }
  return out;
}

/** A walk position linked to its parent: a walk over a huge value copies no paths. */
export interface PathLink {
  parent: PathLink | undefined;
  key: PathSegment | undefined;
}

/** The segments from the root to `link`, built only when a problem needs them. */
export function segmentsOf(link: PathLink): PathSegment[] {
  const segments: PathSegment[] = [];
  for (let at: PathLink | undefined = link; at?.key !== undefined; at = at.parent) segments.push(at.key);
  return segments.reverse();
}

export function problem(
  severity: Severity,
  code: string,
  segments: readonly PathSegment[],
  message: string,
  slug?: string,
): Problem {
  const found: Problem = {
    severity,
    code,
    path: formatJsonPath(segments),
    segments: [...segments],
    message: clipText(message, MESSAGE_CHARS),
  };
  if (slug !== undefined) found.slug = clipText(slug, SHOWN_KEY_CHARS);
  return found;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Errors and warnings, counting the ones a summary problem stands for. */
export function countProblems(problems: readonly Problem[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const p of problems) {
    const n = p.omitted ? p.omitted.count : 1;
    if (p.severity === 'error') errors += n;
    else warnings += n;
  }
  return { errors, warnings };
}

/** Errors first, then by path (indexes compared as numbers, so [9] comes before [10]). */
export function compareProblems(a: Problem, b: Problem): number {
  if (a.severity !== b.severity) return a.severity === 'error' ? -1 : 1;
  if ((a.omitted === undefined) !== (b.omitted === undefined)) return a.omitted ? 1 : -1;
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const x = a.segments[i]!;
    const y = b.segments[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.segments.length - b.segments.length;
}

/** Where validators report what they find. */
export interface ProblemSink {
  add(found: Problem): void;
}

/** How many problems a check keeps: per kind (severity + code), and in all. */
export const PROBLEM_CAPS = { perKind: 25, total: 100 } as const;

interface LeftOut {
  first: Problem;
  count: number;
}

/**
 * Keeps the first few problems of each kind and only counts the rest, so a file built to produce a
 * flood of problems costs a counter, not a list. `result()` adds one summary problem per kind cut.
 */
export class ProblemCollector implements ProblemSink {
  private readonly kept: Problem[] = [];
  private readonly keys = new Set<string>();
  private readonly perKind = new Map<string, number>();
  private readonly leftOut = new Map<string, LeftOut>();
  private errorCount = 0;

  constructor(private readonly caps: { perKind: number; total: number } = PROBLEM_CAPS) {}

  add(found: Problem): void {
    const key = `${found.severity}|${found.path}|${found.message}`;
    if (this.keys.has(key)) return;
    const kind = `${found.severity}|${found.code}`;
    const ofKind = this.perKind.get(kind) ?? 0;
    if (found.severity === 'error') this.errorCount++;
    if (ofKind < this.caps.perKind && this.kept.length < this.caps.total) {
      this.perKind.set(kind, ofKind + 1);
      this.keys.add(key);
      this.kept.push(found);
      return;
    }
    // Past a cap only a count grows: repeats of an identical problem may be counted more than once.
    const cut = this.leftOut.get(kind);
    if (cut) cut.count++;
    else this.leftOut.set(kind, { first: found, count: 1 });
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }

  /** Kept problems in order, then one "and N more" problem for each kind that was cut. */
  result(): Problem[] {
    const summaries = [...this.leftOut.values()].map(({ first, count }) => summaryOf(first, count));
    return [...this.kept, ...summaries].sort(compareProblems);
  }
}

function summaryOf(first: Problem, count: number): Problem {
  const what = count === 1 ? 'problem' : 'problems';
  const found = problem(
    first.severity,
    'more-problems',
    first.segments,
    `and ${count.toLocaleString('en-US')} more ${what} of this kind (${first.code}), the next one: ${first.message}`,
    first.slug,
  );
  found.omitted = { code: first.code, count };
  return found;
}

/** "at $.stepsConfig[1].config (step "fetch"): message" — how problems read in plain text. */
export function describeProblem(p: Problem): string {
  const where = p.slug ? `${p.path} (step "${p.slug}")` : p.path;
  return `${where}: ${p.message}`;
}
