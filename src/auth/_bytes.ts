// Byte helpers on Web-standard APIs only (no Buffer): strict base64 and
// base64url codecs, UTF-8, randomness from WebCrypto and a constant-time
// comparison.

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeTable(alphabet: string): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const STANDARD_TABLE = decodeTable(STANDARD);
const URL_SAFE_TABLE = decodeTable(URL_SAFE);

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  const at = (n: number): string => alphabet.charAt(n & 63);
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += at(n >>> 18) + at(n >>> 12) + at(n >>> 6) + at(n);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    out += at(n >>> 18) + at(n >>> 12) + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += at(n >>> 18) + at(n >>> 12) + at(n >>> 6) + (pad ? '=' : '');
  }
  return out;
}

/**
 * Decodes base64 strictly: only the table's alphabet, padding only at the end
 * and only to a multiple of four, and no stray bits in the last character (so
 * every byte string has exactly one accepted encoding). Undefined when the
 * text is not valid.
 */
function decode(text: string, table: Int8Array): Uint8Array | undefined {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) {
    end--;
    if (end > 0 && text.charCodeAt(end - 1) === 61) end--;
    if (text.length % 4 !== 0) return undefined;
  }
  const tail = end % 4;
  if (tail === 1) return undefined;
  const out = new Uint8Array(Math.floor(end / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? (table[code] as number) : -1;
    if (digit < 0) return undefined;
    // Only the last 12 bits are ever needed; masking keeps `value` a small int.
    value = ((value << 6) | digit) & 0xfff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >>> bits) & 0xff;
    }
  }
  if ((value & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  return encode(bytes, STANDARD, true);
}

/** base64url without padding (RFC 4648 section 5). */
export function toBase64Url(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, false);
}

/** Strict standard base64, padding optional; undefined when invalid. */
export function fromBase64(text: string): Uint8Array | undefined {
  return decode(text, STANDARD_TABLE);
}

/** Strict base64url without padding; undefined when invalid. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (text.includes('=')) return undefined;
  return decode(text, URL_SAFE_TABLE);
}

/** Whether every character of `text` is in the base64url alphabet. */
export function isBase64UrlText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || (URL_SAFE_TABLE[code] as number) < 0) return false;
  }
  return true;
}

/** `length` bytes from the platform's CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** Lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Joins byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Compares two byte arrays in time that depends only on their lengths, so a
 * caller cannot learn how many leading bytes of a guess were right.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** SHA-256 of `bytes` through WebCrypto. */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as BufferSource));
}
