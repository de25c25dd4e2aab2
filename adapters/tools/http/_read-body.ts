import { SecurityError } from 'skreaver';
import type { SizeLimitData } from '../_errors.js';
import { shorten } from './_urls.js';

/** `size_limit_exceeded` for a response body over the limit. */
export function responseTooLarge(
  url: string,
  limit: number,
  received: number,
): SecurityError<SizeLimitData> {
  return new SecurityError<SizeLimitData>(
    'size_limit_exceeded',
    `The response from ${shorten(url)} is larger than ${limit} bytes (http.maxResponseBytes).`,
    { data: { what: 'response', limit, received, url: shorten(url) } },
  );
}

/** Drops a body nobody will read, so the connection is released. */
export async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already errored or locked: nothing left to release.
  }
}

/**
 * Reads a response body, counting bytes as they arrive and cancelling the
 * stream the moment `limit` is passed; a declared `Content-Length` over the
 * limit fails before anything is read.
 *
 * @throws `SecurityError` `size_limit_exceeded`; a stream error as is.
 */
export async function readCapped(
  response: Response,
  limit: number,
  url: string,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await discard(response);
    throw responseTooLarge(url, limit, declared);
  }
  const body = response.body;
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel().catch(() => undefined);
      throw responseTooLarge(url, limit, received);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The media type of a `Content-Type` value: `type/subtype`, lower-case, no parameters. */
export function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/**
 * Decodes a body as text by the `charset` of its type, UTF-8 when there is
 * none or the runtime does not know it. Bytes that do not decode become
 * U+FFFD, as `Response.text()` does.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): string {
  const label = CHARSET.exec(contentType ?? '')?.[1];
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}

/**
 * A test for allowed media types (`type/subtype`, `type/*`, `*\/*`), or
 * `undefined` when every type is allowed (an empty list).
 */
export function contentTypeMatcher(
  allowed: readonly string[],
): ((type: string) => boolean) | undefined {
  if (allowed.length === 0) return undefined;
  const exact = new Set<string>();
  const families = new Set<string>();
  for (const entry of allowed) {
    const type = entry.trim().toLowerCase();
    if (type === '*/*') return undefined;
    if (type.endsWith('/*')) families.add(type.slice(0, -2));
    else exact.add(type);
  }
  return (type) => {
    if (exact.has(type)) return true;
    const slash = type.indexOf('/');
    return slash > 0 && families.has(type.slice(0, slash));
  };
}
