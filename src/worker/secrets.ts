import type { TabflowDb } from '../store/db';
import {
  disablePassphrase,
  enablePassphrase,
  forgetAllSecrets,
  readSecret,
  saveSecret,
  sealPlaintextSecrets,
  secretNames,
  unlockVault,
  vaultMeta,
  VaultLockedError,
} from '../store/keyVault';

export interface KeysState {
  passphrase: boolean;
  unlocked: boolean;
  /** Names of stored keys and secrets; values never leave the executor. */
  names: string[];
}

/**
 * Keys in the executing worker: read at the moment of a request, never cached in plain text; the
 * key that opens a passphrase vault lives only in this worker's memory (a reload locks it again).
 * Everything it writes is sealed (see `store/keyVault.ts`).
 */
export class SecretsService {
  private unlocked: CryptoKey | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly db: TabflowDb) {}

  /** The value, or undefined when absent or locked (a locked read never throws into a run). */
  async read(name: string): Promise<string | undefined> {
    try {
      return await readSecret(this.db, name, this.unlocked);
    } catch (error) {
      if (error instanceof VaultLockedError) return undefined;
      throw error;
    }
  }

  /** Seals, once at start-up, any key an earlier version stored in plain text. Never throws (nor names a value). */
  async sealStoredPlaintext(): Promise<void> {
    try {
      await sealPlaintextSecrets(this.db);
    } catch (error) {
      console.error(
        'Tabflow: could not seal the stored keys:',
        error instanceof Error ? error.message : 'unknown error',
      );
    }
  }

  async has(name: string): Promise<boolean> {
    return (await this.db.secrets.get(name)) !== undefined;
  }

  async isLocked(): Promise<boolean> {
    return !this.unlocked && (await vaultMeta(this.db)) !== undefined;
  }

  untilUnlocked(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => resolve();
      this.waiters.add(wake);
      signal.addEventListener(
        'abort',
        () => {
          this.waiters.delete(wake);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  async state(): Promise<KeysState> {
    const passphrase = (await vaultMeta(this.db)) !== undefined;
    return { passphrase, unlocked: passphrase && this.unlocked !== undefined, names: await secretNames(this.db) };
  }

  save(name: string, value: string): Promise<void> {
    return saveSecret(this.db, name, value, this.unlocked);
  }

  async setPassphrase(passphrase: string): Promise<void> {
    this.unlocked = await enablePassphrase(this.db, passphrase);
  }

  async unlock(passphrase: string): Promise<void> {
    this.unlocked = await unlockVault(this.db, passphrase);
    for (const wake of [...this.waiters]) wake();
    this.waiters.clear();
  }

  async removePassphrase(): Promise<void> {
    if (!this.unlocked) throw new VaultLockedError();
    await disablePassphrase(this.db, this.unlocked);
    this.unlocked = undefined;
  }

  async forgetAll(): Promise<void> {
    await forgetAllSecrets(this.db);
    this.unlocked = undefined;
  }
}
