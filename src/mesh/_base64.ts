/*
 * Standard base64 with padding, on btoa/atob (Web-standard, no Buffer).
 * Decoding is strict: the original wrote padded base64, and accepting other
 * spellings would let two frames that differ decode to the same bytes.
 */

const CHUNK = 0x8000;
const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard padded base64 of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** The bytes of standard padded base64 `text`, or undefined when it is not that. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !STRICT.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (bytes.length === 0) return bytes;
  // Non-zero padding bits decode to the same bytes as the canonical form:
  // re-encode the last group and compare.
  const tail = Math.floor((bytes.length - 1) / 3) * 3;
  return encodeBase64(bytes.subarray(tail)) === text.slice((tail / 3) * 4) ? bytes : undefined;
}
