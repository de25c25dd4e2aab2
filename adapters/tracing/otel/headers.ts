import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/**
 * Request or response headers as the runtimes give them: a Fetch `Headers`
 * (Hono, Deno, Bun, workers), anything with `get`, or a plain record such as
 * Node's `IncomingHttpHeaders` (names matched case-insensitively).
 */
export type HeadersLike =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Headers that can be written: a Fetch `Headers`, anything with `set`, or a plain record. */
export type MutableHeadersLike =
  | { set(name: string, value: string): void }
  | Record<string, string>;

function hasGet(headers: HeadersLike): headers is { get(name: string): string | null | undefined } {
  return typeof (headers as { get?: unknown }).get === 'function';
}

function lookup(headers: HeadersLike, name: string): string | readonly string[] | undefined {
  if (hasGet(headers)) return headers.get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) if (key.toLowerCase() === lower) return record[key];
  return undefined;
}

/** Reads `HeadersLike` for an OTel propagator (which asks for lower-case names). */
export const headersGetter: TextMapGetter<HeadersLike> = Object.freeze<TextMapGetter<HeadersLike>>({
  get(carrier, key) {
    if (typeof carrier !== 'object' || carrier === null) return undefined;
    const value = lookup(carrier, key);
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...value];
    return undefined;
  },
  keys(carrier) {
    if (typeof carrier !== 'object' || carrier === null) return [];
    if (hasGet(carrier)) {
      const iterable = carrier as unknown as { keys?: () => Iterable<string> };
      return typeof iterable.keys === 'function' ? [...iterable.keys()] : [];
    }
    return Object.keys(carrier);
  },
});

/** Writes `MutableHeadersLike` for an OTel propagator. */
export const headersSetter: TextMapSetter<MutableHeadersLike> = Object.freeze<
  TextMapSetter<MutableHeadersLike>
>({
  set(carrier, key, value) {
    const target = carrier as { set?: unknown };
    if (typeof target.set === 'function')
      (carrier as { set(k: string, v: string): void }).set(key, value);
    else (carrier as Record<string, string>)[key] = value;
  },
});
