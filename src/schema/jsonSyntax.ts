/**
 * Finds where JSON text first goes wrong, because engines differ in what `JSON.parse` reports.
 * A single pass with an explicit stack (no recursion: hostile nesting must not overflow).
 */
export interface JsonSyntaxError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

type Expect = 'value' | 'key' | 'colon' | 'commaOrEnd' | 'done';

export function locateJsonError(text: string): JsonSyntaxError | undefined {
  const stack: Array<'{' | '['> = [];
  let expect: Expect = 'value';
  let i = 0;
  const at = (offset: number, message: string) => withLineColumn(text, offset, message);
  while (i <= text.length) {
    i = skipWhitespace(text, i);
    const ch = text[i];
    if (ch === undefined) break;
    if (expect === 'done') return at(i, `unexpected ${describe(ch)} after the end of the JSON value`);
    if (expect === 'colon') {
      if (ch !== ':') return at(i, `expected ":" after an object key, found ${describe(ch)}`);
      i++;
      expect = 'value';
      continue;
    }
    if (expect === 'commaOrEnd') {
      const open = stack[stack.length - 1];
      if (ch === ',') {
        i++;
        expect = open === '{' ? 'key' : 'value';
        const next = text[skipWhitespace(text, i)];
        if (next === '}' || next === ']') return at(skipWhitespace(text, i), 'a trailing comma is not allowed in JSON');
        continue;
      }
      if ((ch === '}' && open === '{') || (ch === ']' && open === '[')) {
        stack.pop();
        i++;
        expect = stack.length === 0 ? 'done' : 'commaOrEnd';
        continue;
      }
      return at(i, `expected "," or "${open === '{' ? '}' : ']'}", found ${describe(ch)}`);
    }
    if (expect === 'key') {
      if (ch !== '"') return at(i, `expected a "quoted" object key, found ${describe(ch)}${quoteHint(ch)}`);
      const end = scanString(text, i);
      if (typeof end !== 'number') return at(end.offset, end.message);
      i = end;
      expect = 'colon';
      continue;
    }
    // expect === 'value'
    if (ch === '{' || ch === '[') {
      stack.push(ch);
      i++;
      const next = text[skipWhitespace(text, i)];
      if ((ch === '{' && next === '}') || (ch === '[' && next === ']')) {
        stack.pop();
        i = skipWhitespace(text, i) + 1;
        expect = stack.length === 0 ? 'done' : 'commaOrEnd';
      } else {
        expect = ch === '{' ? 'key' : 'value';
      }
      continue;
    }
    const end = ch === '"' ? scanString(text, i) : scanLiteral(text, i);
    if (typeof end !== 'number') return at(end.offset, end.message);
    i = end;
    expect = stack.length === 0 ? 'done' : 'commaOrEnd';
  }
  if (expect !== 'done') return at(text.length, 'the JSON ends too early (is something cut off or a bracket missing?)');
  return undefined;
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

function scanString(text: string, start: number): number | { offset: number; message: string } {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') return i + 1;
    if (ch === '\\') {
      const esc = text[i + 1];
      if (esc === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
          return { offset: i, message: 'invalid \\u escape in a string' };
        i += 6;
        continue;
      }
      if (esc === undefined || !'"\\/bfnrt'.includes(esc)) return { offset: i, message: 'invalid escape in a string' };
      i += 2;
      continue;
    }
    if (ch < ' ') return { offset: i, message: 'a string contains a raw line break or control character (write \\n)' };
    i++;
  }
  return { offset: start, message: 'a string is never closed (missing ")' };
}

const LITERAL = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

function scanLiteral(text: string, start: number): number | { offset: number; message: string } {
  const match = LITERAL.exec(text.slice(start, start + 400));
  if (!match) {
    const ch = text[start]!;
    return { offset: start, message: `unexpected ${describe(ch)}${quoteHint(ch)}` };
  }
  return start + match[0].length;
}

function quoteHint(ch: string): string {
  return ch === "'" ? ' (JSON strings use double quotes)' : '';
}

function describe(ch: string): string {
  return JSON.stringify(ch);
}

function withLineColumn(text: string, offset: number, message: string): JsonSyntaxError {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { offset, line, column, message };
}
