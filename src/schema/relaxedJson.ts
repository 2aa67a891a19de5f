import JSON5 from 'json5';

/**
 * Relaxed JSON: what people paste from docs and code — a JavaScript/TypeScript object literal with
 * unquoted keys, single quotes, comments and trailing commas (JSON5), optionally written as
 * `export default { … } as const;`. Parsed by the json5 library (a data parser: nothing is evaluated).
 */

export type RelaxedParse =
  { ok: true; value: unknown } | { ok: false; message: string; line: number | undefined; column: number | undefined };

/** Parses relaxed JSON; the TypeScript wrapper is blanked out first, so line and column stay those of the text. */
export function parseRelaxedJson(text: string): RelaxedParse {
  try {
    return { ok: true, value: JSON5.parse(blankTypeScriptWrapper(text)) as unknown };
  } catch (error) {
    const located = error as { message?: unknown; lineNumber?: unknown; columnNumber?: unknown };
    const line = typeof located.lineNumber === 'number' ? located.lineNumber : undefined;
    const column = typeof located.columnNumber === 'number' ? located.columnNumber : undefined;
    const message = typeof located.message === 'string' ? located.message : 'unreadable text';
    return { ok: false, message: message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, ''), line, column };
  }
}

const LEADING_WRAPPER =
  /^(\s*)(export\s+default\s+|(?:export\s+)?(?:const|let|var)\s+[\w$]+(?:\s*:\s*[\w$.<>[\]]+)?\s*=\s*)/;
const TRAILING_SEMICOLON = /;(\s*)$/;

/**
 * `export default`, `const x: T =`, a trailing `;` and every `as const` outside strings and comments
 * become spaces of the same length. One linear scan; everything else is left for json5 to judge.
 */
export function blankTypeScriptWrapper(text: string): string {
  let out = text.replace(LEADING_WRAPPER, (_m, space: string, wrapper: string) => space + ' '.repeat(wrapper.length));
  out = out.replace(TRAILING_SEMICOLON, (_m, space: string) => ` ${space}`);
  return blankAsConst(out);
}

const AS_CONST = /^as\s+const(?![\w$])/;

function blankAsConst(text: string): string {
  const parts: string[] = [];
  let copiedTo = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'" || ch === '`') i = endOfString(text, i, ch);
    else if (ch === '/' && text[i + 1] === '/') i = endOf(text, '\n', i + 2);
    else if (ch === '/' && text[i + 1] === '*') i = endOf(text, '*/', i + 2);
    else if (ch === 'a' && !/[\w$]/.test(text[i - 1] ?? ' ')) {
      const match = AS_CONST.exec(text.slice(i, i + 64));
      if (match) {
        parts.push(text.slice(copiedTo, i), match[0].replace(/\S/g, ' '));
        i += match[0].length;
        copiedTo = i;
      } else i++;
    } else i++;
  }
  parts.push(text.slice(copiedTo));
  return parts.join('');
}

function endOfString(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

function endOf(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at === -1 ? text.length : at + terminator.length;
}
