import { encodeSharePayload, MAX_SHARE_PAYLOAD_CHARS } from '../../src/schema/share';
import { TEMPLATES } from '../../src/templates';
import { zerosPayload } from '../support/hostileImports';
import type { BigFile } from './bigFiles';
import { mutateTemplate } from './mutations';

/** Share links (`#workflow=` data): bombs, damage, and mutated templates that travel as links. */

const bombs = new Map<number, Promise<string>>();
/** Compressing a gigabyte of zeros takes seconds: each size is built once per worker. */
const bomb = (bytes: number) => {
  if (!bombs.has(bytes)) bombs.set(bytes, zerosPayload(bytes));
  return bombs.get(bytes)!;
};

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

export const SHARE_LINKS: BigFile[] = [
  { name: 'share link: 64 MB of zeros', expect: 'refused', form: 'share', make: () => bomb(64 * 1024 * 1024) },
  { name: 'share link: 1 GB of zeros', expect: 'refused', form: 'share', make: () => bomb(1024 * 1024 * 1024) },
  {
    name: 'share link: longer than any 4 MB workflow needs',
    expect: 'refused',
    form: 'share',
    make: () => 'A'.repeat(MAX_SHARE_PAYLOAD_CHARS + 1),
  },
];

export const SMALL_SHARE_LINKS: BigFile[] = [
  {
    name: 'share link: a mutated template',
    expect: 'either',
    form: 'share',
    make: (random) => encodeSharePayload(mutateTemplate(random, pick(random, TEMPLATES).doc)),
  },
  {
    name: 'share link: damaged',
    expect: 'refused',
    form: 'share',
    make: async (random) => {
      const data = await encodeSharePayload(JSON.stringify(pick(random, TEMPLATES).doc));
      const at = Math.floor(random() * data.length);
      return random() < 0.5
        ? data.slice(0, at)
        : `${data.slice(0, at)}${pick(random, ['!', '=', '%', ' ', '💥'])}${data.slice(at + 1)}`;
    },
  },
];
