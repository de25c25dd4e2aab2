/** How many concurrent writers the crash child runs. */
export const LANES = 4;

/**
 * The value the crash child stores under `key`: derived from the key, so a
 * reader can tell an intact value from a torn or mixed-up one. Mixes 1- to
 * 4-byte UTF-8 characters and varies in length.
 */
export function crashPayload(key: string): string {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return `${key}|${'aé中😀\n"'.repeat(1 + (hash % 40))}|${hash}`;
}
