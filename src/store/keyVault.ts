import type { SealedValue, SecretRecord, TabflowDb } from './db';
import { deleteSetting, settingValue, writeSetting, type VaultMeta } from './settings';

/**
 * API keys and workflow secret values. They live only in the `secrets` table, are read at the moment
 * of a request, and never go anywhere else. Every value is sealed with AES-GCM before it is written:
 * under the browser's device key (non-extractable, generated once, kept in `deviceKeys`), or, with a
 * passphrase, under a key derived by PBKDF2-SHA256 (600,000 iterations) that lives only in memory.
 */

export const PBKDF2_ITERATIONS = 600_000;
const CHECK_TEXT = 'tabflow-key-vault';
const DEVICE_KEY_ID = 'secrets';

export const providerKeyName = (providerId: string) => `provider:${providerId}`;
export const workflowSecretName = (name: string) => `secret:${name}`;

type SealedRecord = Extract<SecretRecord, { sealed: SealedValue }>;

export class VaultLockedError extends Error {
  override name = 'VaultLockedError';
  constructor() {
    super('your keys are locked: enter the passphrase in Settings to unlock them');
  }
}

export async function vaultMeta(db: TabflowDb): Promise<VaultMeta | undefined> {
  return settingValue(db, 'keyVault');
}

/**
 * The device key, created on first use. Two tabs may both create one: the first written wins and
 * both use it, so no secret is ever sealed under a key that is not stored.
 */
async function deviceKey(db: TabflowDb): Promise<CryptoKey> {
  const stored = await db.deviceKeys.get(DEVICE_KEY_ID);
  if (stored) return stored.key;
  if (!globalThis.crypto?.subtle) {
    throw new Error(
      'keys can be stored only when Tabflow is served over https or from localhost: this page cannot seal them',
    );
  }
  const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  return db.transaction('rw', db.deviceKeys, async () => {
    const raced = await db.deviceKeys.get(DEVICE_KEY_ID);
    if (raced) return raced.key;
    await db.deviceKeys.add({ id: DEVICE_KEY_ID, key: fresh, createdAt: Date.now() });
    return fresh;
  });
}

/** Opens a stored record; a passphrase-sealed one needs the unlocked key. */
async function openRecord(db: TabflowDb, stored: SecretRecord, unlocked: CryptoKey | undefined): Promise<string> {
  if (!('sealed' in stored)) return stored.value;
  if (stored.under === 'device') return open(stored.sealed, await deviceKey(db));
  if (!unlocked) throw new VaultLockedError();
  return open(stored.sealed, unlocked);
}

/** Reads a secret; undefined when absent. A passphrase-sealed one needs the unlocked key. */
export async function readSecret(db: TabflowDb, name: string, key: CryptoKey | undefined): Promise<string | undefined> {
  const stored = await db.secrets.get(name);
  return stored && openRecord(db, stored, key);
}

/**
 * Saves a secret, sealed under the passphrase when one is set, else under the device key; an empty value deletes it.
 */
export async function saveSecret(
  db: TabflowDb,
  name: string,
  value: string,
  key: CryptoKey | undefined,
): Promise<void> {
  if (value === '') return db.secrets.delete(name);
  const meta = await vaultMeta(db);
  if (meta && !key) throw new VaultLockedError();
  const record: SealedRecord =
    meta && key
      ? { name, sealed: await seal(value, key), under: 'passphrase' }
      : { name, sealed: await seal(value, await deviceKey(db)), under: 'device' };
  await db.secrets.put(record);
}

/** Which secrets are stored (names only: values are never listed). */
export async function secretNames(db: TabflowDb): Promise<string[]> {
  return (await db.secrets.toCollection().primaryKeys()) as string[];
}

/** Deletes every key and secret, and the passphrase with them (the device key stays: it seals the next one). */
export async function forgetAllSecrets(db: TabflowDb): Promise<void> {
  await db.transaction('rw', db.secrets, db.settings, async () => {
    await db.secrets.clear();
    await deleteSetting(db, 'keyVault');
  });
}

/**
 * Seals again every record `pick` selects under `target`, then runs `alongside` in the same
 * transaction. A record changed meanwhile (saved again, deleted) is left as it now is.
 */
async function reseal(
  db: TabflowDb,
  pick: (stored: SecretRecord) => boolean,
  target: Pick<SealedRecord, 'under'> & { key: CryptoKey },
  unlocked: CryptoKey | undefined,
  alongside: () => Promise<unknown> = async () => undefined,
): Promise<number> {
  const before = (await db.secrets.toArray()).filter(pick);
  const after = await Promise.all(
    before.map(async (stored): Promise<SealedRecord> => ({
      name: stored.name,
      sealed: await seal(await openRecord(db, stored, unlocked), target.key),
      under: target.under,
    })),
  );
  await db.transaction('rw', db.secrets, db.settings, async () => {
    const now = await db.secrets.bulkGet(before.map((s) => s.name));
    await db.secrets.bulkPut(after.filter((_, i) => JSON.stringify(now[i]) === JSON.stringify(before[i])));
    await alongside();
  });
  return after.length;
}

/**
 * Seals every plain record an earlier version wrote, under the device key (an unlock moves it under the passphrase).
 */
export async function sealPlaintextSecrets(db: TabflowDb): Promise<number> {
  if ((await db.secrets.filter((stored) => !('sealed' in stored)).count()) === 0) return 0;
  return reseal(db, (stored) => !('sealed' in stored), { under: 'device', key: await deviceKey(db) }, undefined);
}

const notUnderPassphrase = (stored: SecretRecord) => !('sealed' in stored) || stored.under !== 'passphrase';

/** Sets a passphrase: every stored secret is sealed under it. Returns the unlocked key. */
export async function enablePassphrase(db: TabflowDb, passphrase: string): Promise<CryptoKey> {
  if (passphrase.length < 8) throw new Error('use a passphrase of at least 8 characters');
  if (await vaultMeta(db)) throw new Error('a passphrase is already set');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await deriveKey(passphrase, salt, PBKDF2_ITERATIONS);
  const meta: VaultMeta = { salt: toBase64(salt), iterations: PBKDF2_ITERATIONS, check: await seal(CHECK_TEXT, key) };
  await reseal(db, notUnderPassphrase, { under: 'passphrase', key }, key, () => writeSetting(db, 'keyVault', meta));
  return key;
}

/** The unlocked key, or an error saying the passphrase is wrong. Secrets not yet under it move under it. */
export async function unlockVault(db: TabflowDb, passphrase: string): Promise<CryptoKey> {
  const meta = await vaultMeta(db);
  if (!meta) throw new Error('no passphrase is set');
  const key = await deriveKey(passphrase, fromBase64(meta.salt), meta.iterations);
  let opened: string | undefined;
  try {
    opened = await open(meta.check, key);
  } catch {
    // AES-GCM refuses a wrong key
  }
  if (opened !== CHECK_TEXT) throw new Error('wrong passphrase');
  await reseal(db, notUnderPassphrase, { under: 'passphrase', key }, key);
  return key;
}

/** Removes the passphrase: secrets are sealed under the device key again. */
export async function disablePassphrase(db: TabflowDb, key: CryptoKey): Promise<void> {
  const device = await deviceKey(db);
  await reseal(
    db,
    (stored) => !('sealed' in stored) || stored.under !== 'device',
    { under: 'device', key: device },
    key,
    () => deleteSetting(db, 'keyVault'),
  );
}

async function deriveKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function seal(text: string, key: CryptoKey): Promise<SealedValue> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(text));
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) };
}

async function open(sealed: SealedValue, key: CryptoKey): Promise<string> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(sealed.iv) as Uint8Array<ArrayBuffer> },
    key,
    fromBase64(sealed.data) as Uint8Array<ArrayBuffer>,
  );
  return new TextDecoder().decode(plain);
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
