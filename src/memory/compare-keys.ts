/**
 * Orders memory keys by Unicode code point, which is also the byte order of
 * their UTF-8 form. Every backend lists keys in this order, so `keys()` gives
 * the same answer from a JavaScript `Map`, SQLite's `BINARY` collation or
 * PostgreSQL's `C` collation. (Plain `Array.prototype.sort` compares UTF-16
 * code units, which puts characters above U+FFFF before U+E000..U+FFFF.)
 *
 * @returns A negative number when `a` sorts first, positive when `b` does, 0 when equal.
 * @example
 * ```ts
 * ['b', 'B', 'a'].sort(compareMemoryKeys); // ['B', 'a', 'b']
 * ```
 */
export function compareMemoryKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/**
 * Maps a UTF-16 code unit so that comparing mapped units of the first
 * difference gives code point order: surrogates (which start characters above
 * U+FFFF) move above U+E000..U+FFFF.
 */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
