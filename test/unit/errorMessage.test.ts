import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/schema/errorMessage';

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('errorMessage', () => {
  it.each([
    ['an Error', new TypeError('bad input'), 'bad input'],
    ['a string', 'plain words', 'plain words'],
    ['a number', 42, '42'],
    ['undefined', undefined, 'undefined'],
    ['an object', { code: 1 }, '[object Object]'],
  ])('gives the message of %s', (_what, thrown, message) => {
    expect(errorMessage(thrown)).toBe(message);
  });

  it('is the only place src/ turns a thrown value into its message', () => {
    const inline = /(\w+) instanceof Error \? \1\.message : (String\(\1\)|\1\b)/;
    const offenders = sourceFiles(SRC)
      .filter((file) => !file.endsWith('errorMessage.ts') && inline.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });
});
