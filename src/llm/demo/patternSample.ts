import { MAX_PATTERN_CHARS, testPattern } from '../../schema/jsonSchemaKeywords';

/**
 * A short string that matches a schema's `pattern`, for patterns made of literals, escapes,
 * character classes, groups, alternation and quantifiers. Undefined for anything else
 * (lookarounds, back-references): the result is checked on RE2, as the validator will check it,
 * so a pattern RE2 cannot compile never yields a sample.
 */
export function samplePattern(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_CHARS) return undefined;
  try {
    const parser = new PatternParser(pattern);
    const sample = parser.alternation();
    if (!parser.done()) return undefined;
    return testPattern(pattern, sample) === true ? sample : undefined;
  } catch {
    return undefined;
  }
}

const ESCAPES: Record<string, string> = {
  d: '1',
  w: 'a',
  s: ' ',
  D: 'a',
  W: '-',
  S: 'a',
  b: '',
  B: '',
  n: '\n',
  t: '\t',
  r: '\r',
};
const NEGATED_CANDIDATES = ['a', 'A', '1', '_', 'x', '-', ' '];

class PatternParser {
  private at = 0;
  constructor(private readonly source: string) {}

  done(): boolean {
    return this.at >= this.source.length;
  }

  /** The first alternative is the sample; the others are parsed only to move past them. */
  alternation(): string {
    const first = this.sequence();
    while (this.peek() === '|') {
      this.at++;
      this.sequence();
    }
    return first;
  }

  private sequence(): string {
    let out = '';
    while (!this.done() && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      out += atom.repeat(this.quantifier());
    }
    return out;
  }

  private atom(): string {
    const char = this.source[this.at++]!;
    if (char === '^' || char === '$') return '';
    if (char === '.') return 'a';
    if (char === '\\') return this.escape();
    if (char === '[') return this.characterClass();
    if (char !== '(') return char;
    if (this.source.startsWith('?:', this.at)) this.at += 2;
    else if (/^\?<[A-Za-z]/.test(this.source.slice(this.at))) this.at = this.source.indexOf('>', this.at) + 1;
    else if (this.peek() === '?') throw new Error('lookaround');
    const inner = this.alternation();
    if (this.source[this.at++] !== ')') throw new Error('unclosed group');
    return inner;
  }

  private escape(): string {
    const char = this.source[this.at++];
    if (char === undefined) throw new Error('dangling escape');
    if (/[1-9k]/.test(char)) throw new Error('back-reference');
    if (char === 'u' || char === 'x') {
      const hex = char === 'u' ? this.source.slice(this.at, this.at + 4) : this.source.slice(this.at, this.at + 2);
      this.at += hex.length;
      return String.fromCharCode(parseInt(hex, 16));
    }
    return ESCAPES[char] ?? char;
  }

  private characterClass(): string {
    const end = this.classEnd();
    const body = this.source.slice(this.at, end);
    this.at = end + 1;
    if (body.startsWith('^')) {
      const found = NEGATED_CANDIDATES.find((c) => testPattern(`[${body}]`, c) === true);
      if (found === undefined) throw new Error('no candidate');
      return found;
    }
    if (body.startsWith('\\')) return ESCAPES[body[1]!] ?? body[1]!;
    return body[0]!;
  }

  private classEnd(): number {
    for (let i = this.at + (this.peek() === ']' ? 1 : 0); i < this.source.length; i++) {
      if (this.source[i] === '\\') i++;
      else if (this.source[i] === ']') return i;
    }
    throw new Error('unclosed class');
  }

  /** How many times to repeat the atom: the quantifier's minimum (1 without a quantifier). */
  private quantifier(): number {
    const char = this.peek();
    let count: number;
    if (char === '*' || char === '?') count = 0;
    else if (char === '+') count = 1;
    else if (char === '{' && /^\{\d+(,\d*)?\}/.test(this.source.slice(this.at))) {
      const close = this.source.indexOf('}', this.at);
      count = Number(this.source.slice(this.at + 1, close).split(',')[0]);
      this.at = close;
    } else return 1;
    this.at++;
    if (this.peek() === '?') this.at++;
    return count;
  }

  private peek(): string | undefined {
    return this.source[this.at];
  }
}
