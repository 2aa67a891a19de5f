import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TabflowDb } from '../../../src/store/db';
import {
  disablePassphrase, enablePassphrase, forgetAllSecrets, providerKeyName, readSecret, saveSecret, secretNames, unlockVault, VaultLockedError,
} from '../../../src/store/keyVault';

const fresh = () => new TabflowDb(`t-${crypto.randomUUID()}`);
const KEY = 'sk-test-1234567890abcdef';

async function everythingStored(db: TabflowDb): Promise<string> {
  return JSON.stringify([await db.secrets.toArray(), await db.settings.toArray()]);
}

describe('the key vault', () => {
  it('keeps a key in the secrets table and reads it back', async () => {
    const db = fresh();
    await saveSecret(db, providerKeyName('openai'), KEY, undefined);
    expect(await readSecret(db, providerKeyName('openai'), undefined)).toBe(KEY);
    expect(await secretNames(db)).toEqual(['provider:openai']);
  });

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
