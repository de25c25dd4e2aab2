/** Tool names are 1..64 ASCII letters, digits, `_` and `-` (the core's and MCP clients' rule). */
const MAX_NAME = 64;
const INVALID = /[^A-Za-z0-9_-]/g;
/** Between the prefix and the upstream name. */
export const NAME_SEPARATOR = '__';

/** FNV-1a, 32 bits, as 8 hex digits: a short stable tag for a name that had to be changed. */
function tag(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** Whether a prefix can start tool names (it may be empty: no prefix). */
export function isValidPrefix(prefix: string): boolean {
  return prefix.length <= 32 && !/[^A-Za-z0-9_-]/.test(prefix);
}

/**
 * The skreaver name of an upstream tool: `prefix__name`. A name with
 * characters skreaver does not allow, or too long to fit, is cleaned
 * (invalid characters become `_`), cut to fit and given an 8-digit tag of
 * the original, so different upstream names stay different.
 */
export function bridgedName(prefix: string, upstream: string): string {
  const head = prefix === '' ? '' : `${prefix}${NAME_SEPARATOR}`;
  const clean = upstream.replace(INVALID, '_');
  if (clean === upstream && upstream !== '' && head.length + clean.length <= MAX_NAME) {
    return head + clean;
  }
  const suffix = `_${tag(upstream)}`;
  const room = MAX_NAME - head.length - suffix.length;
  return head + clean.slice(0, Math.max(0, room)) + suffix;
}
