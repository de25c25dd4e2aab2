/**
 * UTF-8 length of `text`: what `TextEncoder` would produce, so a lone
 * surrogate counts as the 3 bytes of U+FFFD. Stops counting once the length
 * passes `stopAbove` (the result is then the count so far, above it).
 */
export function utf8Length(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > stopAbove) return bytes;
  }
  return bytes;
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Whether the UTF-8 form of `text` is longer than `limit` bytes. */
export function exceedsBytes(text: string, limit: number): boolean {
  // Every UTF-16 unit takes one to three bytes, so most strings need no count.
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return utf8Length(text, limit) > limit;
}

/** Number of code points in `text`; a lone surrogate counts as one. */
export function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
      length--;
      i++;
    }
  }
  return length;
}

/** Number of UTF-16 units of the code point starting at `index` (1 or 2). */
export function unitsAt(text: string, index: number): number {
  const unit = text.charCodeAt(index);
  return unit >= 0xd800 && unit <= 0xdbff && isLow(text.charCodeAt(index + 1)) ? 2 : 1;
}

/** Longest piece of caller text quoted in a message, as the registry quotes tool names. */
const QUOTE_CHARS = 80;
/** Longest message passed on from a parser, which may quote the input at length. */
const MESSAGE_CHARS = 300;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** Caller text as quoted in a message: at most 80 characters, a cut marked with `...`. */
export function shorten(text: string): string {
  return cut(text, QUOTE_CHARS);
}

/** A parser's message as passed on: at most 300 characters, a cut marked with `...`. */
export function shortenMessage(message: string): string {
  return cut(message, MESSAGE_CHARS);
}
