import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { FencedError, QuotaError } from '../../../src/engine/store';
import { toStoreError } from '../../../src/store/errors';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('store error mapping', () => {
  it('a raw QuotaExceededError becomes a QuotaError that says storage is full', () => {
    const mapped = toStoreError(quota());
    expect(mapped).toBeInstanceOf(QuotaError);
    expect((mapped as Error).message).toMatch(/^browser storage is full/);
  });

  it('a quota failure Dexie reports as an aborted transaction becomes a QuotaError', () => {
    expect(toStoreError(new Dexie.AbortError('Transaction aborted', quota()))).toBeInstanceOf(QuotaError);
  });

  it('a quota failure inside a bulk operation becomes a QuotaError', () => {
    const bulk = new Dexie.BulkError('1 of 2 operations failed', { 1: quota() });
    expect(toStoreError(bulk)).toBeInstanceOf(QuotaError);
  });

  it.each([
    [
      "Chromium's DataError when a large value's blob file cannot be written",
      () => new DOMException('Failed to write blobs.', 'DataError'),
    ],
    [
      'the same DataError as Dexie wraps it',
      () => new Dexie.DataError('Failed to write blobs.', new DOMException('Failed to write blobs.', 'DataError')),
    ],
    [
      'a blob write failure inside an aborted transaction',
      () => new Dexie.AbortError('Transaction aborted', new DOMException('Failed to write blobs.', 'DataError')),
    ],
    [
      'a quota failure Dexie reports under its own name',
      () => new Dexie.QuotaExceededError('The quota has been exceeded.'),
    ],
    [
      "Firefox's older quota name",
      () => new DOMException('Persistent storage maximum size reached', 'NS_ERROR_DOM_QUOTA_REACHED'),
    ],
    ["Firefox's full-disk name", () => new DOMException('', 'NS_ERROR_FILE_NO_DEVICE_SPACE')],
    [
      "Firefox's message on an aborted transaction",
      () => new DOMException('The current transaction exceeded its quota limitations.', 'UnknownError'),
    ],
    [
      "the OS's full disk passed through as an IO error",
      () => new DOMException('IO error: .../000123.log: No space left on device (ENOSPC)', 'UnknownError'),
    ],
    [
      'a quota failure given as the standard cause of another error',
      () => new Error('commit failed', { cause: quota() }),
    ],
  ])('%s becomes a QuotaError', (_shape, make) => {
    const mapped = toStoreError(make());
    expect(mapped).toBeInstanceOf(QuotaError);
    expect((mapped as Error).message).toMatch(/^browser storage is full/);
  });

  it.each([
    [
      'a DataError about a key',
      () => new DOMException('Data provided to an operation does not meet requirements.', 'DataError'),
    ],
    [
      'an UnknownError that says nothing of space',
      () => new DOMException('Internal error committing transaction.', 'UnknownError'),
    ],
    [
      'a plain AbortError (the transaction was aborted by the code)',
      () => new DOMException('The transaction was aborted.', 'AbortError'),
    ],
  ])('%s is not mistaken for a full disk', (_shape, make) => {
    const error = make();
    expect(toStoreError(error)).toBe(error);
  });

  it('a FencedError comes out as the same object, even wrapped by Dexie', () => {
    const fenced = new FencedError('r1');
    expect(toStoreError(fenced)).toBe(fenced);
    expect(toStoreError(new Dexie.AbortError('Transaction aborted', fenced))).toBe(fenced);
  });

  it('any other error is passed through untouched', () => {
    const other = new Dexie.ConstraintError('Key already exists');
    expect(toStoreError(other)).toBe(other);
    expect(toStoreError('a string')).toBe('a string');
  });
});
