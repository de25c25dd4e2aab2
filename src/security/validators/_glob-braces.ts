/**
 * Brace expansion for globs: `a{b,c}d` becomes `abd`, `acd`; braces nest.
 * A `{` without a matching `}` or without a top-level comma is literal.
 * Backslash escapes are kept (and skipped) so `\{` stays literal.
 */

/** Thrown (internally) when expansion would pass the cap. */
export class TooManyAlternatives extends Error {}

interface Group {
  readonly open: number;
  readonly close: number;
  readonly commas: readonly number[];
}

/** The leftmost `{...}` group with a top-level comma, found in one pass. */
function findGroup(pattern: string): Group | undefined {
  const open: { start: number; commas: number[] }[] = [];
  let best: Group | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charCodeAt(i);
    if (char === 92 /* \ */) {
      i++;
    } else if (char === 123 /* { */) {
      open.push({ start: i, commas: [] });
    } else if (char === 44 /* , */) {
      open[open.length - 1]?.commas.push(i);
    } else if (char === 125 /* } */) {
      const group = open.pop();
      if (
        group !== undefined &&
        group.commas.length > 0 &&
        (best === undefined || group.start < best.open)
      ) {
        best = { open: group.start, close: i, commas: group.commas };
      }
    }
  }
  return best;
}

/**
 * Every alternative of `pattern`, in order, without duplicates.
 * @throws TooManyAlternatives past `max` alternatives.
 */
export function expandBraces(pattern: string, max: number): string[] {
  const out = new Set<string>();
  const pending: string[] = [pattern];
  // Work is bounded by `max` alternatives times the pattern's brace groups.
  while (pending.length > 0) {
    const current = pending.pop() as string;
    const group = findGroup(current);
    if (group === undefined) {
      out.add(current);
      if (out.size > max) throw new TooManyAlternatives();
      continue;
    }
    const prefix = current.slice(0, group.open);
    const suffix = current.slice(group.close + 1);
    const bounds = [group.open, ...group.commas, group.close];
    const parts: string[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      parts.push(current.slice((bounds[k] as number) + 1, bounds[k + 1]));
    }
    if (pending.length + out.size + parts.length > max * 4) throw new TooManyAlternatives();
    for (let k = parts.length - 1; k >= 0; k--) pending.push(prefix + parts[k] + suffix);
  }
  return [...out];
}
