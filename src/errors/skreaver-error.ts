import type { ErrorCode } from './codes.js';

/**
 * Where brands live on an error instance. `Symbol.for` makes the key the
 * same in every copy of the package, so `instanceof` keeps working when two
 * bundles (ESM and CJS, or two versions) meet in one process.
 */
const BRANDS = Symbol.for('skreaver.error.brands');

/** Options accepted by every skreaver error constructor. */
export interface SkreaverErrorOptions<D = unknown> {
  /** Structured details a program can read (the offending value, a limit, ...). */
  readonly data?: D;
  /** The underlying failure, kept for debugging. */
  readonly cause?: unknown;
}

type Branded = { readonly [BRANDS]?: readonly string[] };

/** The check behind `value instanceof ctor` for skreaver error classes. */
function isInstance(ctor: { readonly brand: string }, value: unknown): boolean {
  // A subclass without a brand of its own would inherit its parent's and so
  // match every instance of the parent; it gets plain prototype-chain
  // `instanceof` instead (which does not work across copies).
  if (!Object.hasOwn(ctor, 'brand')) {
    return Function.prototype[Symbol.hasInstance].call(ctor, value);
  }
  if (typeof value !== 'object' || value === null) return false;
  const brands = (value as Branded)[BRANDS];
  return Array.isArray(brands) && brands.includes(ctor.brand);
}

/**
 * The base of every error skreaver throws or returns. `code` is stable and
 * documented; `message` says what went wrong and what to do; `data` holds
 * structured details; `cause` keeps the original failure.
 *
 * @example
 * ```ts
 * try {
 *   toolName('no spaces allowed');
 * } catch (err) {
 *   if (err instanceof SkreaverError && err.code === 'invalid_identifier') {
 *     console.log(err.data); // { kind: 'tool name', reason: 'invalid_char', char: ' ', position: 2, ... }
 *   }
 * }
 * ```
 */
export class SkreaverError<C extends ErrorCode = ErrorCode, D = unknown> extends Error {
  /** The brand that `instanceof` checks; each subclass declares its own. */
  static readonly brand: string = 'SkreaverError';

  /** Stable machine-readable code. */
  readonly code: C;
  /** Structured details, when the failure has any. */
  readonly data: D | undefined;
  /** The brands of this error's class chain, checked by `instanceof`. */
  declare readonly [BRANDS]: readonly string[];

  constructor(code: C, message: string, options: SkreaverErrorOptions<D> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
    const brands: string[] = [];
    for (
      let ctor = new.target as unknown;
      ctor && ctor !== Error;
      ctor = Object.getPrototypeOf(ctor)
    ) {
      if (Object.hasOwn(ctor as object, 'brand')) brands.push((ctor as typeof SkreaverError).brand);
    }
    Object.defineProperty(this, BRANDS, { value: Object.freeze(brands) });
    Object.defineProperty(this, 'name', {
      value: new.target.name,
      configurable: true,
      writable: true,
    });
  }

  /**
   * Brand-based `instanceof`: true for any object branded by this class,
   * whichever copy of the package created it. Subclasses opt in by declaring
   * their own `static brand`; without one they get ordinary `instanceof`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`; naming SkreaverError here would make every family match every error.
    return isInstance(this, value);
  }

  /** A plain JSON form (`name`, `code`, `message`, `data`), safe to send over the wire. */
  toJSON(): { name: string; code: C; message: string; data?: D } {
    const json: { name: string; code: C; message: string; data?: D } = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    if (this.data !== undefined) json.data = this.data;
    return json;
  }
}

/**
 * True when `value` is a skreaver error, optionally with the given code.
 * Works across duplicate copies of the package.
 */
export function isSkreaverError<C extends ErrorCode>(
  value: unknown,
  code?: C,
): value is SkreaverError<C> {
  return value instanceof SkreaverError && (code === undefined || value.code === code);
}
