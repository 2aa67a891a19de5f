import { FencedError, QuotaError } from '../engine/store';

export const STORAGE_FULL_MESSAGE = 'browser storage is full: delete old runs or free disk space, then resume';

/**
 * Maps what IndexedDB/Dexie threw to the engine's errors: a FencedError comes out unchanged even if
 * Dexie wrapped it, a quota failure at any depth becomes a QuotaError, anything else is rethrown as is.
 */
export function toStoreError(error: unknown): unknown {
  for (const cause of errorChain(error)) {
    if (cause instanceof FencedError) return cause;
  }
  for (const cause of errorChain(error)) {
    if (cause instanceof QuotaError) return cause;
    if (isStorageFull(cause)) return new QuotaError(STORAGE_FULL_MESSAGE, { cause: error });
  }
  return error;
}

/** Names browsers give a quota failure (Firefox's older one included). */
const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED', 'NS_ERROR_FILE_NO_DEVICE_SPACE']);
/**
 * Messages that mean the disk is full whatever the name: Chromium's `DataError: Failed to write
 * blobs` (large values go to blob files), and the OS's "no space left" passed through as an IO error.
 */
const FULL_DISK_MESSAGE = /failed to write blobs|no space left on device|\bENOSPC\b|exceeded its quota/i;

function isStorageFull(cause: { name?: unknown; message?: unknown }): boolean {
  if (typeof cause.name === 'string' && QUOTA_NAMES.has(cause.name)) return true;
  return typeof cause.message === 'string' && FULL_DISK_MESSAGE.test(cause.message);
}

const MAX_WRAPPING_DEPTH = 8;

/** The error and those wrapped inside it: Dexie's `inner`, a BulkError's `failures`, a standard `cause`. */
function* errorChain(error: unknown, depth = 0): Generator<{ name?: unknown; message?: unknown }> {
  if (typeof error !== 'object' || error === null || depth > MAX_WRAPPING_DEPTH) return;
  yield error;
  const { inner, cause, failures } = error as { inner?: unknown; cause?: unknown; failures?: unknown };
  const wrapped = [inner, cause, ...(Array.isArray(failures) ? failures : [])];
  for (const next of wrapped) yield* errorChain(next, depth + 1);
}
