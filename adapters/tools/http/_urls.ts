/** Longest piece of a URL quoted in messages and error data, as the core's validators cut them. */
const SHOWN = 256;

/** A URL as quoted in messages and error data: at most 256 characters, a cut marked with `...`. */
export function shorten(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN - 3)}...` : text;
}
