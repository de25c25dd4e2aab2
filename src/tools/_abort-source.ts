import type { DispatchContext } from './registry.js';

/**
 * A caller's cancellation state, readable without an `AbortSignal`. Node's
 * AbortSignal costs microseconds to create and weighs on the young
 * generation, so a coordinator step makes its signal only when someone reads
 * it. A dispatch context that carries a source under {@link ABORT_SOURCE}
 * lets the registry check for and listen to an abort without forcing the
 * signal into existence. The source should not be an own enumerable
 * property: a wrapper that spreads the context (`{ ...ctx, signal: mine }`)
 * must end up with a plain context whose `signal` the registry honours.
 */
export interface AbortSource {
  /** Whether the caller gave up; `signal.aborted` would say the same. */
  readonly aborted: boolean;
  /** Why (`undefined` before); `signal.reason` would say the same. */
  readonly reason: unknown;
  /** Runs `callback` once on abort (never if already aborted); returns an unsubscribe. */
  onAbort(callback: () => void): () => void;
}

/**
 * The key of a dispatch context's {@link AbortSource}. Deliberately not
 * `Symbol.for`: a registry from another copy of the package does not know
 * the key and simply reads `signal`.
 */
export const ABORT_SOURCE: unique symbol = Symbol('skreaver.abortSource');

/** A dispatch context that may carry an {@link AbortSource}. */
export type SourcedDispatchContext = DispatchContext & { readonly [ABORT_SOURCE]?: AbortSource };

/** The context's {@link AbortSource}, when it carries one. */
export function abortSourceOf(ctx: DispatchContext | undefined): AbortSource | undefined {
  return (ctx as SourcedDispatchContext | null | undefined)?.[ABORT_SOURCE];
}

/** The caller's cancellation state: the context's source, else its signal, else none. */
export function callerAbort(
  ctx: DispatchContext | undefined,
): Pick<AbortSource, 'aborted' | 'reason'> | undefined {
  return abortSourceOf(ctx) ?? ctx?.signal;
}
