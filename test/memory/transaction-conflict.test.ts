import { describe, expect, it } from 'vitest';
import { TransactionError } from '../../src/errors/families.js';
import { transactionConflictError } from '../../src/memory/transaction-conflict.js';

describe('transactionConflictError', () => {
  it('sorts and deduplicates keys and prefixes', () => {
    const error = transactionConflictError(['b', 'a', 'b'], ['p:', 'o:', 'p:']);
    expect(error).toBeInstanceOf(TransactionError);
    expect(error.code).toBe('transaction_conflict');
    expect(error.data).toEqual({ keys: ['a', 'b'], prefixes: ['o:', 'p:'] });
    expect(error.message).toMatch(/^Another writer changed 'a', 'b' while/);
  });

  it('names at most maxShownKeys keys', () => {
    expect(transactionConflictError(['a', 'b', 'c'], [], 1).message).toContain("'a' and 2 more");
  });

  it('still reads well without keys', () => {
    expect(transactionConflictError([]).message).toContain('changed keys this transaction used');
  });
});
