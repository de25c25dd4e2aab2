/**
 * The outcome of an operation that can fail without throwing: `ok: true` with
 * a `value`, or `ok: false` with an `error`.
 */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };
