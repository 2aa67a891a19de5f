import { HOSTILE_FILES } from '../support/hostileImports';

/**
 * Hand-written files that are hostile by size or shape: each is built straight as text (building a
 * 300,000-key object first would cost more than the verdict under test).
 */

const TRIGGER = (next: string) =>
  '{"stepSlug":"start","name":"Start","stepType":"trigger","config":{"type":"manual"},' +
  `"nextSteps":{"default":"${next}"}}`;
const SET = (slug: string, next?: string) =>
  `{"stepSlug":"${slug}","name":"${slug}","stepType":"action","config":{"action":"set","values":{"n":1}}` +
  `${next ? `,"nextSteps":{"success":"${next}"}` : ''}}`;

function file(name: string, steps: string[], extraConfig = ''): string {
  return `{"workflowConfig":{"name":"${name}"${extraConfig}},"stepsConfig":[${steps.join(',')}]}`;
}

function repeat(count: number, item: (i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => item(i));
}

export interface BigFile {
  name: string;
  /** `refused`: the verdict must be "cannot import"; `either`: any clear verdict. */
  expect: 'refused' | 'either';
  /** `share`: the text is a share link's data, decoded as opening the link would. */
  form?: 'text' | 'share';
  make(random: () => number): string | Promise<string>;
}

export const BIG_FILES: BigFile[] = [
  {
    name: '10 MB string (over the import limit)',
    expect: 'refused',
    make: () => file('Huge', [TRIGGER('a'), SET('a')], `,"description":"${'a'.repeat(10 * 1024 * 1024)}"`),
  },
  {
    name: '3.9 MB string in a description (under the import limit)',
    expect: 'refused',
    make: () => file('Big description', [TRIGGER('a'), SET('a')], `,"description":"${'b'.repeat(3.9 * 1024 * 1024)}"`),
  },
  {
    name: '3.9 MB string in a variable (under the import limit)',
    expect: 'either',
    make: () =>
      file(
        'Big variable',
        [TRIGGER('a'), SET('a')],
        `,"config":{"variables":{"blob":"${'c'.repeat(3.9 * 1024 * 1024)}"}}`,
      ),
  },
  {
    name: '50,000 steps',
    expect: 'refused',
    make: () =>
      file('Fifty thousand', [
        TRIGGER('s0'),
        ...repeat(50_000, (i) => SET(`s${i}`, i + 1 < 50_000 ? `s${i + 1}` : undefined)),
      ]),
  },
  {
    name: '19,999 steps in one chain',
    expect: 'either',
    make: () =>
      file('Long chain', [
        TRIGGER('s0'),
        ...repeat(19_999, (i) => SET(`s${i}`, i + 1 < 19_999 ? `s${i + 1}` : undefined)),
      ]),
  },
  {
    name: '19,999 unreachable steps',
    expect: 'either',
    make: () => file('Unreachable', [TRIGGER('s0'), SET('s0'), ...repeat(19_998, (i) => SET(`u${i}`))]),
  },
  {
    name: '1,000-deep nesting',
    expect: 'refused',
    make: (random) => {
      const open = random() < 0.5 ? '[' : '{"d":';
      const close = open === '[' ? ']' : '}';
      const deep = `${open.repeat(1000)}1${close.repeat(1000)}`;
      return file('Deep', [
        TRIGGER('a'),
        `{"stepSlug":"a","name":"A","stepType":"action","config":{"action":"set","values":{"deep":${deep}}}}`,
      ]);
    },
  },
  {
    name: '10,000 steps in a nextSteps ring',
    expect: 'refused',
    make: () => file('Ring', [TRIGGER('s0'), ...repeat(10_000, (i) => SET(`s${i}`, `s${(i + 1) % 10_000}`))]),
  },
  {
    name: '200,000 invalid nextSteps values',
    expect: 'refused',
    make: (random) => {
      const bad = ['"!"', '1', '""', 'null', '"a b"', '{}'];
      const entries = repeat(200_000, (i) => `"k${i}":${bad[Math.floor(random() * bad.length)]}`);
      return file('Bad next', [
        TRIGGER('a'),
        '{"stepSlug":"a","name":"A","stepType":"action","config":{"action":"set","values":{}},' +
          `"nextSteps":{${entries.join(',')}}}`,
      ]);
    },
  },
  {
    name: '300,000 empty parallel branches',
    expect: 'refused',
    make: () => {
      const branches = repeat(300_000, (i) => `"b${i}":[]`).join(',');
      return file('Empty branches', [
        TRIGGER('p'),
        `{"stepSlug":"p","name":"P","stepType":"parallel","config":{"join":"all","branches":{${branches}}}}`,
      ]);
    },
  },
  {
    name: '3.6 MB value nested 60 deep',
    expect: 'either',
    make: () => {
      const leaves = repeat(180_000, (i) => `"v${i % 1000}xxxxxxxxx"`).join(',');
      const value = `${'{"n":'.repeat(60)}[${leaves}]${'}'.repeat(60)}`;
      return file('Deep and wide', [
        TRIGGER('a'),
        `{"stepSlug":"a","name":"A","stepType":"action","config":{"action":"set","values":{"v":${value}}}}`,
      ]);
    },
  },
  {
    name: 'a flood of validation problems (~1.9 MB)',
    expect: 'refused',
    make: () => {
      const broken = (i: number) =>
        `{"stepSlug":"!${i}","name":${i},"stepType":"llm",` +
        `"config":{"llmNode":{"model":1,"userPrompt":{"{{":2},"tools":["t${i}"],"outputSchema":[]}},` +
        `"nextSteps":{"x":"?${i}","success":"nowhere${i}"},"timeoutMs":-1}`;
      return file('Flood', [TRIGGER('!0'), ...repeat(10_500, broken)]);
    },
  },
  // The importer's own hostile files (test/support/hostileImports.ts), each hurting it in one more way.
  ...Object.entries(HOSTILE_FILES).map(([name, make]): BigFile => ({
    name: `hostile import: ${name}`,
    expect: 'either',
    make: () => make(),
  })),
];
