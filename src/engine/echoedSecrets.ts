import type { Runners } from './runtime';

type HttpRunner = NonNullable<Runners['http']>;

/** A secret by name and value. Values this short are left alone: they occur by chance in ordinary text. */
export type SecretEntry = readonly [name: string, value: string];
const MIN_REDACTED_CHARS = 4;

/**
 * An http runner whose answers never hold a secret value: a server that echoes what it was sent (a header, the
 * body) gets each value back as its `{{secrets.NAME}}` placeholder, as the request's record has it, before the
 * engine journals the answer (and before a DBOS step around this runner records it).
 */
export function withoutEchoedSecrets(
  http: HttpRunner,
  secrets: () => readonly SecretEntry[] | Promise<readonly SecretEntry[]>,
): HttpRunner {
  return async (request, call) => {
    const answer = await http(request, call);
    return redactSecrets(answer, await secrets());
  };
}

/** `value` with each occurrence of a secret value, in any string or key at any depth, replaced by its placeholder. */
export function redactSecrets<T>(value: T, secrets: readonly SecretEntry[]): T {
  // Longest first: a value inside a longer one is never left half replaced.
  const known = secrets.filter(([, v]) => v.length >= MIN_REDACTED_CHARS).sort((a, b) => b[1].length - a[1].length);
  if (known.length === 0) return value;
  const text = (s: string) => known.reduce((out, [name, v]) => out.split(v).join(`{{secrets.${name}}}`), s);
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return text(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [text(k), walk(v)]));
  };
  return walk(value) as T;
}
