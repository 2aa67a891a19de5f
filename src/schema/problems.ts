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
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["stepsConfig", 2, "config"]` → `$.stepsConfig[2].config`. */
export function formatJsonPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function problem(
  severity: Severity,
  code: string,
  segments: readonly PathSegment[],
  message: string,
  slug?: string,
): Problem {
  const found: Problem = { severity, code, path: formatJsonPath(segments), segments: [...segments], message };
  if (slug !== undefined) found.slug = slug;
  return found;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** "at $.stepsConfig[1].config (step "fetch"): message" — how problems read in plain text. */
export function describeProblem(p: Problem): string {
  const where = p.slug ? `${p.path} (step "${p.slug}")` : p.path;
  return `${where}: ${p.message}`;
}
