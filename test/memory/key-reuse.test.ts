import { afterEach, describe, expect, it } from 'vitest';
import { inMemoryMemory } from '../../src/memory/in-memory.js';
import { namespaced } from '../../src/memory/namespaced.js';
import { validateMemoryValue } from '../../src/memory/validation.js';
import { manualClock, rejection } from './_helpers.js';

// Agents write the same few keys step after step; these paths skip work for
// keys already seen, and must answer exactly as a first write would.

describe('reused keys in a namespace', () => {
  it('round-trips more distinct keys than the view remembers, trimmed or not', async () => {
    const root = inMemoryMemory();
    const view = namespaced(root, 'agent');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 150; i++)
        await view.store(i % 2 === 0 ? `k${i}` : ` k${i} `, `v${round}`);
    }
    expect(await view.load('k149')).toBe('v1');
    expect(await view.load(' k0 ')).toBe('v1');
    expect((await root.keys('agent:')).length).toBe(150);
    expect(await view.delete('k3')).toBe(true);
    expect(await view.load('k3')).toBeUndefined();
  });

  it('still refuses a bad key after good ones were remembered', async () => {
    const view = namespaced(inMemoryMemory(), 'agent');
    await view.store('fine', 'v');
    await rejection(view.store('not fine', 'v'), 'invalid_identifier');
    await rejection(view.load(42 as unknown as string), 'invalid_identifier');
    await rejection(view.store('x'.repeat(200), 'v'), 'invalid_identifier');
  });
});

describe('reused keys in the in-memory memory', () => {
  it('trims a key that differs from a stored one only by spaces', async () => {
    const memory = inMemoryMemory();
    await memory.store('k', '1');
    await memory.store(' k ', '2');
    expect(await memory.keys()).toEqual(['k']);
    expect(await memory.load(' k')).toBe('2');
  });

  it('forgets an overwritten ttl', async () => {
    const clock = manualClock();
    const memory = inMemoryMemory({ now: clock.now });
    await memory.store('k', 'short-lived', { ttlMs: 10 });
    await memory.store('k', 'kept');
    clock.advance(10);
    expect(await memory.load('k')).toBe('kept');
    await memory.store('k', 'short again', { ttlMs: 10 });
    clock.advance(10);
    expect(await memory.load('k')).toBeUndefined();
  });
});

describe('value checks without String.prototype.isWellFormed', () => {
  const native = Object.getOwnPropertyDescriptor(String.prototype, 'isWellFormed');

  afterEach(() => {
    if (native !== undefined) Object.defineProperty(String.prototype, 'isWellFormed', native);
  });

  it('still refuses lone surrogates on older runtimes', () => {
    Reflect.deleteProperty(String.prototype, 'isWellFormed');
    expect(validateMemoryValue('k', 'fine \u{1F600}')).toBe('fine \u{1F600}');
    expect(() => validateMemoryValue('k', 'lone \ud800')).toThrow(/lone UTF-16 surrogate/);
  });
});
