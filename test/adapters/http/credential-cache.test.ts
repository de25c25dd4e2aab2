import type { Principal } from 'skreaver';
import { describe, expect, it } from 'vitest';
import { CredentialCache } from '../../../adapters/http/_credential-cache.js';

const alice: Principal = { id: 'alice', roles: ['agent'] };
const bob: Principal = { id: 'bob', roles: ['admin'] };
const tail = 'x'.repeat(40);

describe('credential cache', () => {
  it('returns a cached principal until its time is up, never past the credential expiry', () => {
    let now = 1000;
    const cache = new CredentialCache(5000, 10, () => now);
    cache.set(`a.b.${tail}`, alice);
    cache.set(`c.d.${tail}1`, bob, 3000);
    expect(cache.get(`a.b.${tail}`)).toBe(alice);
    expect(cache.get(`c.d.${tail}1`)).toBe(bob);
    now = 3000;
    expect(cache.get(`c.d.${tail}1`)).toBeUndefined();
    expect(cache.get(`a.b.${tail}`)).toBe(alice);
    now = 6000;
    expect(cache.get(`a.b.${tail}`)).toBeUndefined();
  });

  it('never answers for a credential that only shares another one tail', () => {
    const cache = new CredentialCache(5000, 10, () => 0);
    const first = `header.alice.${tail}`;
    const forged = `header.mallory.${tail}`;
    cache.set(first, alice);
    expect(cache.get(forged)).toBeUndefined();
    // The later of two credentials with one tail takes the slot; the other is verified again.
    cache.set(forged, bob);
    expect(cache.get(forged)).toBe(bob);
    expect(cache.get(first)).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const cache = new CredentialCache(5000, 2, () => 0);
    cache.set('key-1', alice);
    cache.set('key-2', alice);
    cache.set('key-3', bob);
    expect(cache.get('key-1')).toBeUndefined();
    expect(cache.get('key-2')).toBe(alice);
    expect(cache.get('key-3')).toBe(bob);
  });
});
