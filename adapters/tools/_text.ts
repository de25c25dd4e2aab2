function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
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
