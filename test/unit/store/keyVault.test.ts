import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TabflowDb } from '../../../src/store/db';
import {
  disablePassphrase,
  enablePassphrase,
  forgetAllSecrets,
  providerKeyName,
  readSecret,
  saveSecret,
  sealPlaintextSecrets,
  secretNames,
  unlockVault,
  VaultLockedError,
  workflowSecretName,
} from '../../../src/store/keyVault';

const fresh = () => new TabflowDb(`t-${crypto.randomUUID()}`);
const KEY = 'sk-test-1234567890abcdef';

const SECRET = 'tok-another-secret-0987';

/** Every record of every table, as text: what must never hold a key. */
async function everythingStored(db: TabflowDb): Promise<string> {
  return JSON.stringify(await Promise.all(db.tables.map((table) => table.toArray())));
}

/** Whether any stored secret opens under the device key (AES-GCM refuses any other key). */
async function opensWithDeviceKey(db: TabflowDb): Promise<boolean> {
  const device = (await db.deviceKeys.toArray())[0]!.key;
  const opened = await Promise.all(
    (await db.secrets.toArray()).map(async (stored) => {
      if (!('sealed' in stored)) return true;
      const bytes = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
      return crypto.subtle
        .decrypt({ name: 'AES-GCM', iv: bytes(stored.sealed.iv) }, device, bytes(stored.sealed.data))
        .then(
          () => true,
          () => false,
        );
    }),
  );
  return opened.some(Boolean);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the key vault', () => {
  it('keeps a key in the secrets table and reads it back', async () => {
    const db = fresh();
    await saveSecret(db, providerKeyName('openai'), KEY, undefined);
    expect(await readSecret(db, providerKeyName('openai'), undefined)).toBe(KEY);
    expect(await secretNames(db)).toEqual(['provider:openai']);
  });

  it('seals a key from its first write under a non-extractable device key: no stored record holds it', async () => {
    const db = fresh();
    await saveSecret(db, providerKeyName('openai'), KEY, undefined);
    await saveSecret(db, workflowSecretName('TOKEN'), SECRET, undefined);
    const stored = await everythingStored(db);
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain(SECRET);
    expect((await db.secrets.toArray()).map((s) => 'sealed' in s && s.under)).toEqual(['device', 'device']);
    const [device] = await db.deviceKeys.toArray();
    expect(device!.key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', device!.key)).rejects.toThrow();
    expect(await readSecret(db, workflowSecretName('TOKEN'), undefined)).toBe(SECRET);
  });

  it('two saves racing on a fresh database share one device key, and both read back', async () => {
    const db = fresh();
    await Promise.all([
      saveSecret(db, 'secret:A', 'value-a', undefined),
      saveSecret(db, 'secret:B', 'value-b', undefined),
    ]);
    expect(await db.deviceKeys.count()).toBe(1);
    expect([await readSecret(db, 'secret:A', undefined), await readSecret(db, 'secret:B', undefined)]).toEqual([
      'value-a',
      'value-b',
    ]);
  });

  it(
    'a page that cannot seal (no WebCrypto: not https nor localhost) ' + 'refuses to store a key and says why',
    async () => {
      const db = fresh();
      vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
      await expect(saveSecret(db, 'secret:A', SECRET, undefined)).rejects.toThrow(/https or from localhost/);
      vi.unstubAllGlobals();
      expect(await db.secrets.count()).toBe(0);
    },
  );

  it('a plain key an earlier version wrote is sealed in place at start-up and still reads back', async () => {
    const db = fresh();
    await db.secrets.bulkPut([
      { name: providerKeyName('openai'), value: KEY },
      { name: workflowSecretName('TOKEN'), value: SECRET },
    ]);
    expect(await sealPlaintextSecrets(db)).toBe(2);
    expect(await everythingStored(db)).not.toContain(KEY);
    expect(await everythingStored(db)).not.toContain(SECRET);
    expect(await readSecret(db, providerKeyName('openai'), undefined)).toBe(KEY);
    expect(await sealPlaintextSecrets(db)).toBe(0);
  });

  it('a plain key sealed at start-up while a passphrase is set moves under the passphrase at unlock', async () => {
    const db = fresh();
    await enablePassphrase(db, 'correct horse battery');
    await db.secrets.put({ name: 'secret:OLD', value: SECRET });
    await sealPlaintextSecrets(db);
    const key = await unlockVault(db, 'correct horse battery');
    expect(await db.secrets.get('secret:OLD')).toMatchObject({ under: 'passphrase' });
    expect(await readSecret(db, 'secret:OLD', key)).toBe(SECRET);
    expect(await everythingStored(db)).not.toContain(SECRET);
  }, 30_000);

  it(
    'a locked vault cannot be opened with the device key alone; ' + 'removing the passphrase seals under it again',
    async () => {
      const db = fresh();
      await saveSecret(db, providerKeyName('openai'), KEY, undefined);
      const key = await enablePassphrase(db, 'correct horse battery');
      expect(await opensWithDeviceKey(db)).toBe(false);
      await saveSecret(db, 'secret:TOKEN', SECRET, key);
      expect(await opensWithDeviceKey(db)).toBe(false);
      await disablePassphrase(db, key);
      expect((await db.secrets.toArray()).every((s) => 'sealed' in s && s.under === 'device')).toBe(true);
      expect(await everythingStored(db)).not.toContain(SECRET);
      expect(await readSecret(db, providerKeyName('openai'), undefined)).toBe(KEY);
    },
    30_000,
  );

  it('a passphrase seals every key: the stored data no longer holds it, and it needs unlocking', async () => {
    const db = fresh();
    await saveSecret(db, providerKeyName('openai'), KEY, undefined);
    await enablePassphrase(db, 'correct horse battery');
    expect(await everythingStored(db)).not.toContain(KEY);
    await expect(readSecret(db, providerKeyName('openai'), undefined)).rejects.toBeInstanceOf(VaultLockedError);
    const unlocked = await unlockVault(db, 'correct horse battery');
    expect(await readSecret(db, providerKeyName('openai'), unlocked)).toBe(KEY);
    await saveSecret(db, 'secret:TOKEN', 'another-secret', unlocked);
    expect(await everythingStored(db)).not.toContain('another-secret');
    await disablePassphrase(db, unlocked);
    expect(await readSecret(db, 'secret:TOKEN', undefined)).toBe('another-secret');
  }, 30_000);

  it('a wrong passphrase is refused', async () => {
    const db = fresh();
    await enablePassphrase(db, 'correct horse battery');
    await expect(unlockVault(db, 'wrong horse battery')).rejects.toThrow('wrong passphrase');
  }, 30_000);

  it('"forget all keys" deletes every key and the passphrase', async () => {
    const db = fresh();
    await saveSecret(db, providerKeyName('a'), KEY, undefined);
    await enablePassphrase(db, 'correct horse battery');
    await forgetAllSecrets(db);
    expect(await secretNames(db)).toEqual([]);
    expect(await readSecret(db, providerKeyName('a'), undefined)).toBeUndefined();
  }, 30_000);
});
