import { unitsAt } from '../_text.js';

/**
 * Start offsets (UTF-16 units) of the non-overlapping occurrences of
 * `needle` in `haystack`, left to right; an empty needle matches at every
 * code point boundary, both ends included (Rust's `str::match_indices`
 * and `str::split` semantics).
 */
export function* matchOffsets(haystack: string, needle: string): Generator<number> {
  if (needle === '') {
    for (let i = 0; i < haystack.length; i += unitsAt(haystack, i)) yield i;
    yield haystack.length;
    return;
  }
  for (
    let i = haystack.indexOf(needle);
    i !== -1;
    i = haystack.indexOf(needle, i + needle.length)
  ) {
    yield i;
  }
}
