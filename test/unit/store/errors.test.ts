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
