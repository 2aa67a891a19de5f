import 'fake-indexeddb/auto';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ProviderSettings } from '../../../src/llm/providers';
import { DEFAULT_MAX_PARALLELISM, LIMITS } from '../../../src/schema/limits';
import { seedDemoData } from '../../../src/store/demoData';
import { TabflowDb } from '../../../src/store/db';
import { vaultMeta } from '../../../src/store/keyVault';
import {
  approveHost,
  isHostApproved,
  parseSetting,
  readSetting,
  SettingError,
  settingValue,
  writeSetting,
  type ProvidersSetting,
  type SettingKey,
  type SettingValue,
} from '../../../src/store/settings';
import type { ModelPrice } from '../../../src/llm/pricing';

const fresh = () => new TabflowDb(`settings-${crypto.randomUUID()}`);

const DEFAULTS: { [K in SettingKey]: unknown } = {
  providers: { providers: [] },
  maxParallelism: DEFAULT_MAX_PARALLELISM,
  demoTokensPerSecond: undefined,
  keyVault: undefined,
  demoCustomersSeeded: false,
  modelPrices: {},
  retention: {},
  storagePersistence: undefined,
};

const OPENAI = {
  id: 'p1',
  name: 'OpenAI',
  kind: 'openai',
  defaultModel: 'gpt-4o-mini',
  aliases: { fast: 'gpt-4o-mini' },
  requestsPerMinute: 60,
} as const;

describe('typed settings', () => {
  it('a setting never stored reads as its default, with no problem', async () => {
    const db = fresh();
    for (const key of Object.keys(DEFAULTS) as SettingKey[]) {
      expect(await readSetting(db, key)).toEqual({ value: DEFAULTS[key] });
    }
  });

  it('a valid value is written and read back as it was saved', async () => {
    const db = fresh();
    await writeSetting(db, 'providers', { providers: [OPENAI], defaultProviderId: 'p1' });
    await writeSetting(db, 'maxParallelism', 7);
    await writeSetting(db, 'demoTokensPerSecond', 5_000);
    expect(await readSetting(db, 'providers')).toEqual({ value: { providers: [OPENAI], defaultProviderId: 'p1' } });
    expect(await settingValue(db, 'maxParallelism')).toBe(7);
    expect(await settingValue(db, 'demoTokensPerSecond')).toBe(5_000);
    await writeSetting(db, 'demoTokensPerSecond', undefined);
    expect(await db.settings.get('demoTokensPerSecond')).toBeUndefined();
  });

  const BAD_VALUES: Array<[SettingKey, unknown, string]> = [
    ['maxParallelism', '8', '($: '],
    ['maxParallelism', 0, '($: '],
    ['maxParallelism', LIMITS.concurrency + 1, '($: '],
    ['maxParallelism', 2.5, '($: '],
    ['maxParallelism', null, '($: '],
    ['providers', 'oops', '($: '],
    ['providers', [OPENAI], '($: '],
    ['providers', { providers: [{ ...OPENAI, kind: 'anthropic' }] }, '$.providers[0].kind: '],
    ['providers', { providers: [OPENAI, { ...OPENAI, id: 7 }] }, '$.providers[1].id: '],
    ['demoTokensPerSecond', -1, '($: '],
    ['keyVault', { salt: 'c2FsdA==', iterations: 600_000 }, '$.check: '],
    ['demoCustomersSeeded', 'yes', '($: '],
  ];

  it.each(BAD_VALUES)(
    'a stored %s of %j reads as the default with a problem naming the path',
    async (key, stored, path) => {
      const db = fresh();
      await db.settings.put({ key, value: stored });
      const read = await readSetting(db, key);
      expect(read.value).toEqual(DEFAULTS[key]);
      expect(read.problem).toContain(`The saved setting "${key}" is not valid`);
      expect(read.problem).toContain(path);
      // Reading never rewrites: the stored value stays for the user to see and replace.
      expect((await db.settings.get(key))?.value).toEqual(stored);
    },
  );

  it('a problem names at most three issues and counts the rest', () => {
    const providers = Array.from({ length: 5 }, (_, i) => ({ id: `p${i}`, name: 'x', kind: 'nope' }));
    const { problem } = parseSetting('providers', { value: { providers } });
    expect(problem).toContain('$.providers[2].kind');
    expect(problem).not.toContain('$.providers[3].kind');
    expect(problem).toContain('and 2 more');
  });

  it('a default is a fresh value each time: changing one read does not change the next', async () => {
    const db = fresh();
    (await settingValue(db, 'providers')).providers.push(OPENAI);
    expect(await settingValue(db, 'providers')).toEqual({ providers: [] });
  });

  it('an invalid value is refused before it is written, naming the setting and the path', async () => {
    const db = fresh();
    await writeSetting(db, 'maxParallelism', 3);
    await expect(writeSetting(db, 'maxParallelism', 0)).rejects.toThrow(SettingError);
    await expect(writeSetting(db, 'providers', { providers: [{ ...OPENAI, kind: 'x' as 'openai' }] })).rejects.toThrow(
      'the setting "providers" cannot be saved: $.providers[0].kind',
    );
    expect(await settingValue(db, 'maxParallelism')).toBe(3);
    expect(await db.settings.get('providers')).toBeUndefined();
  });

  it('host approvals: only an approval the user gave counts, per workflow and host', async () => {
    const db = fresh();
    await approveHost(db, 'hash1', 'api.example.com');
    expect(await isHostApproved(db, 'hash1', 'api.example.com')).toBe(true);
    expect(await isHostApproved(db, 'hash2', 'api.example.com')).toBe(false);
    expect(await isHostApproved(db, 'hash1', 'example.com')).toBe(false);
    await db.settings.put({ key: 'hostApproval:hash2:api.example.com', value: 'true' });
    expect(await isHostApproved(db, 'hash2', 'api.example.com')).toBe(false);
  });

  it('a damaged vault record or seeded flag does not stop the vault or the demo data', async () => {
    const db = fresh();
    await db.settings.bulkPut([
      { key: 'keyVault', value: 'garbage' },
      { key: 'demoCustomersSeeded', value: 1 },
    ]);
    expect(await vaultMeta(db)).toBeUndefined();
    await seedDemoData(db);
    expect(await db.tableRows.where('table').equals('customers').count()).toBeGreaterThan(0);
    expect(await settingValue(db, 'demoCustomersSeeded')).toBe(true);
  });

  it('the stored providers setting is what the model runner reads (types line up)', () => {
    expectTypeOf<ProvidersSetting>().toExtend<ProviderSettings>();
  });

  it('the stored model prices are what the model runner reads (types line up)', () => {
    expectTypeOf<SettingValue<'modelPrices'>>().toExtend<Record<string, ModelPrice>>();
  });
});
