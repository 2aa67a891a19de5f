/** A recorded value as readable text: a string as it is, anything else one `path: value` line per leaf. */

/** Past this many lines the text says how many it left out (the Raw view and Copy have everything). */
export const TEXT_MAX_LINES = 2_000;

export function valueAsText(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  const lines: string[] = [];
  let leaves = 0;
  // Iterative, depth-first in document order: nesting depth never meets the call stack.
  const pending: Array<[path: string, value: unknown]> = [['', value]];
  while (pending.length > 0) {
    const [path, current] = pending.pop()!;
    const children = childrenOf(path, current);
    if (children === undefined || children.length === 0) {
      leaves++;
      if (lines.length < TEXT_MAX_LINES) lines.push(`${path || '(value)'}: ${leafText(current, children)}`);
      continue;
    }
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  if (leaves > lines.length) lines.push(`… and ${leaves - lines.length} more values (see Raw)`);
  return lines.join('\n');
}

function childrenOf(path: string, value: unknown): Array<[string, unknown]> | undefined {
  if (Array.isArray(value)) return value.map((item, index) => [`${path}[${index}]`, item]);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [path ? `${path}.${key}` : key, item]);
  return undefined;
}

function leafText(value: unknown, children: unknown[] | undefined): string {
  if (children !== undefined) return Array.isArray(value) ? '(empty list)' : '(empty object)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'undefined';
}
