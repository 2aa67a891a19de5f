import { describe, expect, it } from 'vitest';
import {
  TEMPLATE_ROOTS,
  TemplateError,
  findTemplates,
  hasTemplate,
  parseTemplate,
  resolveTemplates,
  type TemplateScope,
} from '../../src/schema/template';

function createScope(): TemplateScope {
  return {
    input: { customerId: 'c-42', tags: ['a', 'b'], count: 3 },
    trigger: { data: { customerId: 'c-7' } },
    steps: {
      list: { output: { items: [{ id: 'i-1' }, { id: 'i-2', nested: { ok: true } }] } },
      'fetch-user': { output: { name: 'Ada', age: 36, active: false, nothing: null } },
    },
    variables: { x: 5, label: 'hello' },
    loop: { item: { sku: 'S1' }, index: 2, previous: { summarize: { output: 'prior text' } } },
    run: { id: 'run-123' },
  };
}

function refsOf(text: string) {
  return parseTemplate(text).parts.flatMap((part) => (part.kind === 'ref' ? [part.ref] : []));
}

describe('parseTemplate', () => {
  it('splits text and refs, with the root separated from the path', () => {
    const { parts, errors } = parseTemplate('Hello {{input.customerId}}!');
    expect(errors).toEqual([]);
    expect(parts).toEqual([
      { kind: 'text', text: 'Hello ' },
      { kind: 'ref', ref: { raw: '{{input.customerId}}', root: 'input', path: ['customerId'] } },
      { kind: 'text', text: '!' },
    ]);
  });

  it('accepts every root', () => {
    for (const root of TEMPLATE_ROOTS) {
      const text = root === 'secrets' ? '{{secrets.API_KEY}}' : `{{${root}.field}}`;
      expect(refsOf(text)[0]?.root, root).toBe(root);
    }
  });

  it('reads [n] indexes as numbers and dotted names as strings', () => {
    expect(refsOf('{{steps.list.output.items[0].id}}')[0]?.path).toEqual(['list', 'output', 'items', 0, 'id']);
    expect(refsOf('{{input.matrix[1][2]}}')[0]?.path).toEqual(['matrix', 1, 2]);
  });

  it('splits on dots, so step slugs may contain hyphens', () => {
    expect(refsOf('{{steps.fetch-user.output.name}}')[0]?.path).toEqual(['fetch-user', 'output', 'name']);
  });

  it('allows whitespace inside the braces', () => {
    expect(refsOf('{{ input.x }}')[0]).toEqual({ raw: '{{ input.x }}', root: 'input', path: ['x'] });
    expect(refsOf('{{\n\tloop.index\n}}')[0]?.path).toEqual(['index']);
  });

  it('treats a lone }} as plain text', () => {
    expect(parseTemplate('{"a": {"b": 1}}')).toEqual({
      parts: [{ kind: 'text', text: '{"a": {"b": 1}}' }],
      errors: [],
    });
  });

  it('reports an unclosed {{ with its character offset', () => {
    expect(parseTemplate('abc {{input.x').errors).toEqual(['unclosed {{ at character 4']);
  });

  it.each([
    ['an expression', '{{ input.x + 1 }}', 'found "+"'],
    ['a filter', '{{ input.name | upper }}', 'found "|"'],
    ['a function call', '{{ lower(input.name) }}', 'found "("'],
    ['an unknown root', '{{ env.HOME }}', 'unknown root "env"'],
    ['an empty template', '{{ }}', 'empty template'],
    ['a non-numeric index', '{{ input.items[first] }}', 'whole number in brackets'],
    ['a secret path with more than one segment', '{{ secrets.A.B }}', 'one segment'],
  ])('rejects %s with a readable message', (_what, text, fragment) => {
    const { errors } = parseTemplate(`x ${text}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('at character 2');
    expect(errors[0]).toContain(fragment);
  });

  it('parses a 200,000 character string in linear time', () => {
    const hostile = ['{{'.repeat(100_000), `${'{{a'.repeat(50_000)}}}`, '{{ input.'.padEnd(200_000, 'a.') + '}}'];
    for (const text of hostile) {
      const started = performance.now();
      parseTemplate(text);
      expect(performance.now() - started).toBeLessThan(500);
    }
    const many = '{{input.x}} '.repeat(16_000);
    expect(refsOf(many)).toHaveLength(16_000);
  });

  it('hasTemplate says whether text contains template syntax', () => {
    expect(hasTemplate('plain }} text')).toBe(false);
    expect(hasTemplate('a {{input.x}}')).toBe(true);
    expect(hasTemplate('a {{ unclosed')).toBe(true);
  });
});

describe('findTemplates', () => {
  it('lists every templated string with its JSON path, in document order', () => {
    const config = {
      url: 'https://x/{{input.customerId}}',
      headers: { Authorization: 'Bearer {{secrets.TOKEN}}', plain: 'no templates' },
      body: { items: ['{{steps.list.output.items}}', 7, { deep: 'a {{variables.x}} b {{loop.index}}' }] },
    };
    const found = findTemplates(config, ['stepsConfig', 2, 'config']);
    expect(found.map((entry) => entry.segments)).toEqual([
      ['stepsConfig', 2, 'config', 'url'],
      ['stepsConfig', 2, 'config', 'headers', 'Authorization'],
      ['stepsConfig', 2, 'config', 'body', 'items', 0],
      ['stepsConfig', 2, 'config', 'body', 'items', 2, 'deep'],
    ]);
    expect(found[3]?.refs.map((ref) => ref.root)).toEqual(['variables', 'loop']);
  });

  it('reports parse errors at the path of their string', () => {
    const found = findTemplates({ prompt: 'hi {{input.x' }, []);
    expect(found).toEqual([{ segments: ['prompt'], refs: [], errors: ['unclosed {{ at character 3'] }]);
  });

  it('walks values nested deeper than the call stack', () => {
    let value: unknown = '{{input.x}}';
    for (let depth = 0; depth < 20_000; depth += 1) value = [value];
    expect(findTemplates(value, [])[0]?.segments).toHaveLength(20_000);
  });
});

describe('resolveTemplates', () => {
  it('a string that is exactly one template keeps the value type', () => {
    const scope = createScope();
    expect(resolveTemplates('{{steps.list.output.items}}', scope)).toEqual([
      { id: 'i-1' },
      { id: 'i-2', nested: { ok: true } },
    ]);
    expect(resolveTemplates('{{input.count}}', scope)).toBe(3);
    expect(resolveTemplates('{{steps.fetch-user.output.active}}', scope)).toBe(false);
    expect(resolveTemplates('{{steps.fetch-user.output.nothing}}', scope)).toBeNull();
    expect(resolveTemplates('  {{ loop.item }} \n', scope)).toEqual({ sku: 'S1' });
  });

  it('resolves every root', () => {
    const scope = createScope();
    const resolved = resolveTemplates(
      {
        input: '{{input.customerId}}',
        trigger: '{{trigger.data.customerId}}',
        step: '{{steps.list.output.items[1].nested.ok}}',
        variable: '{{variables.x}}',
        item: '{{loop.item.sku}}',
        index: '{{loop.index}}',
        previous: '{{loop.previous.summarize.output}}',
        run: '{{run.id}}',
        secret: '{{secrets.TOKEN}}',
      },
      scope,
      { allowSecrets: true, secret: (name) => (name === 'TOKEN' ? 's3cr3t' : undefined) },
    );
    expect(resolved).toEqual({
      input: 'c-42',
      trigger: 'c-7',
      step: true,
      variable: 5,
      item: 'S1',
      index: 2,
      previous: 'prior text',
      run: 'run-123',
      secret: 's3cr3t',
    });
  });

  it('interpolates numbers, booleans, objects and arrays into text', () => {
    const scope = createScope();
    expect(resolveTemplates('n={{input.count}} b={{steps.fetch-user.output.active}}', scope)).toBe('n=3 b=false');
    expect(resolveTemplates('tags: {{input.tags}}', scope)).toBe('tags: ["a","b"]');
    expect(resolveTemplates('item: {{loop.item}}', scope)).toBe('item: {"sku":"S1"}');
    expect(resolveTemplates('null: {{steps.fetch-user.output.nothing}}', scope)).toBe('null: null');
  });

  it('resolves a missing path to undefined, and to empty text inside text', () => {
    const scope = createScope();
    expect(resolveTemplates('{{steps.nope.output.x}}', scope)).toBeUndefined();
    expect(resolveTemplates('{{input.tags[9]}}', scope)).toBeUndefined();
    expect(resolveTemplates('{{input.customerId.length}}', scope)).toBeUndefined();
    expect(resolveTemplates('[{{variables.missing}}]', scope)).toBe('[]');
    expect(resolveTemplates('{{loop.index}}', { ...scope, loop: undefined })).toBeUndefined();
  });

  it('reads own properties only: __proto__, constructor and prototype read nothing', () => {
    const scope = createScope();
    for (const path of [
      'input.__proto__',
      'input.constructor',
      'input.constructor.prototype',
      'steps.toString',
      'input.tags.map',
    ]) {
      expect(resolveTemplates(`{{${path}}}`, scope), path).toBeUndefined();
    }
    const owned = { ...scope, input: JSON.parse('{"__proto__": {"x": 1}, "constructor": 2}') as unknown };
    expect(resolveTemplates('{{input.__proto__.x}}', owned)).toBeUndefined();
    expect(resolveTemplates('{{input.constructor}}', owned)).toBeUndefined();
  });

  it('throws a TemplateError for unclosed braces and non-path templates', () => {
    const scope = createScope();
    expect(() => resolveTemplates('Hi {{input.x', scope)).toThrow(new TemplateError('unclosed {{ at character 3'));
    expect(() => resolveTemplates({ a: ['{{ input.x + 1 }}'] }, scope)).toThrow(TemplateError);
  });

  it('refuses secrets where they are not allowed', () => {
    const secret = () => 'never-shown';
    expect(() => resolveTemplates('{{secrets.TOKEN}}', createScope(), { secret })).toThrow(
      /secrets are only allowed in http headers, query and body/,
    );
  });

  it('names a missing secret without revealing any secret value', () => {
    const options = { allowSecrets: true, secret: (name: string) => (name === 'SET' ? 'hunter2-value' : undefined) };
    let message = '';
    try {
      resolveTemplates({ ok: '{{secrets.SET}}', missing: 'x {{secrets.MISSING}}' }, createScope(), options);
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      message = (error as Error).message;
    }
    expect(message).toContain('MISSING');
    expect(message).not.toContain('hunter2-value');
  });

  it('does not mutate its input and returns fresh objects', () => {
    const scope = createScope();
    const value = {
      list: '{{steps.list.output.items}}',
      nested: { keep: [1, { two: 2 }] },
      text: 'id {{input.customerId}}',
    };
    const before = structuredClone(value);
    const scopeBefore = structuredClone(scope);
    const resolved = resolveTemplates(value, scope) as { list: Array<{ id: string }>; nested: { keep: unknown[] } };
    expect(value).toEqual(before);
    expect(resolved.nested).not.toBe(value.nested);
    expect(resolved.nested.keep).not.toBe(value.nested.keep);
    expect(resolved.list).not.toBe(scope.steps.list?.output);
    resolved.list[0]!.id = 'changed';
    expect(scope).toEqual(scopeBefore);
  });

  it('keeps a "__proto__" key of the input as data', () => {
    const value = JSON.parse('{"__proto__": {"polluted": "{{input.count}}"}}') as unknown;
    const resolved = resolveTemplates(value, createScope()) as Record<string, unknown>;
    expect(Object.hasOwn(resolved, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
