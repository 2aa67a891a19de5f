import type { SecretRecord, TabflowDb } from './db';

/**
 * API keys and workflow secret values. They live only in the `secrets` table, are read at the moment
 * of a request, and never go anywhere else. With a passphrase they are sealed with AES-GCM under a
 * key derived by PBKDF2-SHA256 (600,000 iterations); the derived key lives only in memory.
 */

export const PBKDF2_ITERATIONS = 600_000;
const VAULT_SETTING = 'keyVault';
const CHECK_TEXT = 'tabflow-key-vault';

export const providerKeyName = (providerId: string) => `provider:${providerId}`;
export const workflowSecretName = (name: string) => `secret:${name}`;

interface Sealed {
  iv: string;
  data: string;
}

interface VaultMeta {
  salt: string;
  iterations: number;
  check: Sealed;
}

/** A stored key or secret; `sealed` is set (and `value` empty) while a passphrase protects it. */
export type StoredSecret = SecretRecord & { sealed?: Sealed };

export class VaultLockedError extends Error {
  override name = 'VaultLockedError';
  constructor() {
    super('your keys are locked: enter the passphrase in Settings to unlock them');
  }
}

export async function vaultMeta(db: TabflowDb): Promise<VaultMeta | undefined> {
  return (await db.settings.get(VAULT_SETTING))?.value as VaultMeta | undefined;
}

/** Reads a secret; undefined when absent. A sealed one needs the unlocked key. */
export async function readSecret(db: TabflowDb, name: string, key: CryptoKey | undefined): Promise<string | undefined> {
  const stored = (await db.secrets.get(name)) as StoredSecret | undefined;
  if (!stored) return undefined;
  if (!stored.sealed) return stored.value;
  if (!key) throw new VaultLockedError();
  return open(stored.sealed, key);
}

/** Saves a secret (sealed when a passphrase is set); an empty value deletes it. */
export async function saveSecret(db: TabflowDb, name: string, value: string, key: CryptoKey | undefined): Promise<void> {
  if (value === '') return db.secrets.delete(name);
  const meta = await vaultMeta(db);
  if (!meta) return void (await db.secrets.put({ name, value }));
  if (!key) throw new VaultLockedError();
  await db.secrets.put({ name, value: '', sealed: await seal(value, key) } as StoredSecret);
}

/** Which secrets are stored (names only: values are never listed). */
export async function secretNames(db: TabflowDb): Promise<string[]> {
  return (await db.secrets.toCollection().primaryKeys()) as string[];
}

/** Deletes every key and secret, and the passphrase with them. */
export async function forgetAllSecrets(db: TabflowDb): Promise<void> {
  await db.transaction('rw', db.secrets, db.settings, async () => {
    await db.secrets.clear();
    await db.settings.delete(VAULT_SETTING);
  });
}

/** Sets a passphrase: every stored secret is sealed under it. Returns the unlocked key. */
export async function enablePassphrase(db: TabflowDb, passphrase: string): Promise<CryptoKey> {
  if (passphrase.length < 8) throw new Error('use a passphrase of at least 8 characters');
  if (await vaultMeta(db)) throw new Error('a passphrase is already set');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await deriveKey(passphrase, salt, PBKDF2_ITERATIONS);
  const meta: VaultMeta = { salt: toBase64(salt), iterations: PBKDF2_ITERATIONS, check: await seal(CHECK_TEXT, key) };
  const plain = (await db.secrets.toArray()) as StoredSecret[];
  const sealed = await Promise.all(plain.filter((s) => !s.sealed).map(async (s) => ({ name: s.name, value: '', sealed: await seal(s.value, key) })));
  await db.transaction('rw', db.secrets, db.settings, async () => {
    await db.secrets.bulkPut(sealed);
    await db.settings.put({ key: VAULT_SETTING, value: meta });
  });
  return key;
}

/** The unlocked key, or an error saying the passphrase is wrong. */
export async function unlockVault(db: TabflowDb, passphrase: string): Promise<CryptoKey> {
  const meta = await vaultMeta(db);
  if (!meta) throw new Error('no passphrase is set');
  const key = await deriveKey(passphrase, fromBase64(meta.salt), meta.iterations);
  try {
    if ((await open(meta.check, key)) === CHECK_TEXT) return key;
  } catch {
    // fall through: AES-GCM refuses a wrong key
  }
  throw new Error('wrong passphrase');
}

/** Removes the passphrase: secrets are stored unsealed again. */
export async function disablePassphrase(db: TabflowDb, key: CryptoKey): Promise<void> {
  const stored = (await db.secrets.toArray()) as StoredSecret[];
  const plain = await Promise.all(stored.map(async (s) => ({ name: s.name, value: s.sealed ? await open(s.sealed, key) : s.value })));
  await db.transaction('rw', db.secrets, db.settings, async () => {
    await db.secrets.bulkPut(plain);
    await db.settings.delete(VAULT_SETTING);
  });
}

async function deriveKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function seal(text: string, key: CryptoKey): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(text));
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) };
}

async function open(sealed: Sealed, key: CryptoKey): Promise<string> {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(sealed.iv) as Uint8Array<ArrayBuffer> }, key, fromBase64(sealed.data) as Uint8Array<ArrayBuffer>);
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
