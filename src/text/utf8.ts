/** Counts UTF-8 bytes, stopping once the count passes `stopAbove`. */
function countUtf8(text: string, stopAbove: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
    if (bytes > stopAbove) return bytes;
  }
  return bytes;
}

/**
 * The length of `text` in UTF-8 bytes, measured without encoding it (size
 * limits are checked on every write, and copying a 1 MiB value just to
 * measure it would be waste). It equals
 * `new TextEncoder().encode(text).byteLength`: a lone surrogate counts as
 * the 3 bytes of U+FFFD.
 *
 * @example
 * ```ts
 * utf8ByteLength('héllo'); // 6
 * utf8ByteLength('🤖'); // 4
 * ```
 */
export function utf8ByteLength(text: string): number {
  return countUtf8(text, Number.POSITIVE_INFINITY);
}

/**
 * Whether the UTF-8 form of `text` is longer than `max` bytes. Most strings
 * are decided from their UTF-16 length alone (each unit takes one to three
 * bytes); the others are counted only until the count passes `max`.
 *
 * @example
 * ```ts
 * exceedsUtf8Bytes('héllo', 5); // true: 6 bytes
 * ```
 */
export function exceedsUtf8Bytes(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  return countUtf8(text, max) > max;
}
