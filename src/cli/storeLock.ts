import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'lock';

/** Another live process holds the store directory. */
export class StoreBusyError extends Error {
  override name = 'StoreBusyError';
}

/**
 * One writer per store directory: `lock` holds the owner's process id, created exclusively. A lock whose
 * process is gone (killed) is taken over, so a run killed with SIGKILL can be continued at once.
 */
export class StoreLock {
  private held = true;

  private constructor(private readonly path: string) {}

  static take(dir: string): StoreLock {
    const path = join(dir, LOCK_FILE);
    for (let tries = 0; tries < 3; tries++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new StoreLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = ownerOf(path);
        if (owner !== undefined && owner !== process.pid && isAlive(owner))
          throw new StoreBusyError(`the store ${dir} is in use by process ${owner}; wait for it to end or stop it`);
        removeStale(path);
      }
    }
    throw new StoreBusyError(`the store ${dir} could not be locked (${path})`);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    removeStale(this.path);
  }
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeStale(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
