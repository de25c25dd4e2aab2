import { MemoryError } from '../errors/families.js';
import type { Memory, MemoryCapabilities } from './memory.js';

/** The name of one memory capability. */
export type MemoryCapability = keyof MemoryCapabilities;

/** The methods each capability makes callable. */
export interface MemoryCapabilityMethods {
  /** `transaction()` becomes callable. */
  readonly transactions: Required<Pick<Memory, 'transaction'>>;
  /** `snapshot()` and `restore()` become callable. */
  readonly snapshots: Required<Pick<Memory, 'snapshot' | 'restore'>>;
  /** TTLs are honoured; no extra method. */
  readonly ttl: unknown;
}

/** A memory known to have capability `C`, with the methods it unlocks. */
export type MemoryWith<C extends MemoryCapability, M extends Memory = Memory> = M &
  MemoryCapabilityMethods[C];

const METHODS: { readonly [C in MemoryCapability]: readonly (keyof Memory)[] } = {
  transactions: ['transaction'],
  snapshots: ['snapshot', 'restore'],
  ttl: [],
};

/**
 * True when `memory` declares `capability` and has the methods it unlocks;
 * narrows the type so those methods are callable.
 *
 * @example
 * ```ts
 * if (hasCapability(memory, 'snapshots')) await save(await memory.snapshot());
 * ```
 */
export function hasCapability<M extends Memory, C extends MemoryCapability>(
  memory: M,
  capability: C,
): memory is MemoryWith<C, M> {
  return (
    memory.capabilities[capability] === true &&
    METHODS[capability].every((method) => typeof memory[method] === 'function')
  );
}

/**
 * Asserts that `memory` declares `capability` (and has the methods it
 * unlocks), narrowing the type so `transaction()`, `snapshot()` or
 * `restore()` can be called without a check.
 *
 * @throws {@link MemoryError} with code `memory_unsupported` (data: `{ capability }`).
 * @example
 * ```ts
 * requireCapability(memory, 'transactions');
 * await memory.transaction(async (tx) => tx.store('a', '1'));
 * ```
 */
export function requireCapability<M extends Memory, C extends MemoryCapability>(
  memory: M,
  capability: C,
): asserts memory is MemoryWith<C, M> {
  if (hasCapability(memory, capability)) return;
  const declared = memory.capabilities[capability] === true;
  throw new MemoryError(
    'memory_unsupported',
    declared
      ? `This memory declares ${capability} but lacks ${METHODS[capability].join('/')}(); the backend is broken, report it to its author.`
      : `This memory does not support ${capability} (capabilities.${capability} is false); use a backend that declares it, or check memory.capabilities first.`,
    { data: { capability } },
  );
}
