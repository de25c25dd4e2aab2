import { describe, expect, it } from 'vitest';
import { memoryRevocationStore, SecurityError, ValidationError } from '../../src/index.js';

function clock(start = 1_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe('memoryRevocationStore', () => {
  it('remembers a revocation until its expiry and then forgets it', async () => {
    const time = clock();
    const store = memoryRevocationStore({ now: time.now });
    expect(await store.isRevoked('a')).toBe(false);
    expect(await store.revoke('a', time.now() + 1000)).toBe(true);
    expect(await store.isRevoked('a')).toBe(true);
    time.advance(999);
    expect(await store.isRevoked('a')).toBe(true);
    time.advance(1);
    expect(await store.isRevoked('a')).toBe(false);
    expect(store.size).toBe(0);
  });

  it('answers revoke atomically: true the first time, false while it holds', async () => {
    const time = clock();
    const store = memoryRevocationStore({ now: time.now });
    const answers = await Promise.all([1, 2, 3].map(() => store.revoke('jti', time.now() + 50)));
    expect(answers).toEqual([true, false, false]);
    time.advance(50);
    // Expired entries do not block a new revocation of the same id.
    expect(await store.revoke('jti', time.now() + 50)).toBe(true);
  });

  it('ignores revocations that are already past their expiry', async () => {
    const time = clock();
    const store = memoryRevocationStore({ now: time.now });
    expect(await store.revoke('old', time.now())).toBe(false);
    expect(await store.revoke('nan', Number.NaN)).toBe(false);
    expect(await store.isRevoked('old')).toBe(false);
    expect(store.size).toBe(0);
  });

  it('stays bounded: sweeps expired entries when full and refuses to drop live ones', async () => {
    const time = clock();
    const store = memoryRevocationStore({ now: time.now, maxEntries: 3 });
    await store.revoke('a', time.now() + 10);
    await store.revoke('b', time.now() + 10);
    await store.revoke('c', time.now() + 100);
    const full = store.revoke('d', time.now() + 100);
    await expect(full).rejects.toBeInstanceOf(SecurityError);
    await expect(full).rejects.toMatchObject({
      code: 'resource_exhausted',
      data: { maxEntries: 3 },
    });
    expect(await store.isRevoked('c')).toBe(true);
    time.advance(10);
    expect(await store.revoke('d', time.now() + 100)).toBe(true);
    expect(await store.revoke('e', time.now() + 100)).toBe(true);
    expect(store.size).toBe(3);
    expect(await store.isRevoked('c')).toBe(true);
    expect(await store.isRevoked('a')).toBe(false);
  });

  it('validates options', () => {
    expect(() => memoryRevocationStore({ maxEntries: 0 })).toThrow(ValidationError);
    expect(() => memoryRevocationStore({ now: 'x' as never })).toThrow(ValidationError);
  });
});
