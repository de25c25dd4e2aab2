import { ValidationError } from './errors/families.js';

/**
 * The option names a factory takes, as an object literal checked against its
 * options type: `{ timeoutMs: true, ... } satisfies KnownOptions<Options>`
 * fails to compile when an option is missing from the list or the list names
 * one the type does not have, so the list cannot drift from the type.
 */
export type KnownOptions<Options> = { readonly [Name in keyof Required<Options>]: true };

/** Edit distance between two short names (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The known name closest to `name`, when it is close enough to be a typo. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  // Up to a third of the name may differ (at least two edits): 'maxRetry' finds 'maxRetries'.
  let bestDistance = Math.max(2, Math.ceil(name.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Refuses an options object naming an option `factory` does not take: a
 * misspelt option (`timeout` for `timeoutMs`) would otherwise be ignored in
 * silence and its default used. TypeScript catches this in object literals;
 * this catches it everywhere else (JavaScript, spread configs, JSON).
 *
 * @throws `ValidationError` `invalid_options`, with `data.option` (the first
 *   unknown name), `data.unknown` (all of them) and `data.suggestion`.
 */
export function rejectUnknownOptions(
  factory: string,
  options: unknown,
  known: Readonly<Record<string, true>>,
): void {
  if (typeof options !== 'object' || options === null) return;
  const unknown = Object.keys(options).filter((name) => known[name] !== true);
  if (unknown.length === 0) return;
  const names = Object.keys(known);
  const first = unknown[0] as string;
  const suggestion = closest(first, names);
  const hint = suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
  const others =
    unknown.length > 1
      ? ` (and ${unknown
          .slice(1)
          .map((n) => `'${n}'`)
          .join(', ')})`
      : '';
  throw new ValidationError(
    'invalid_options',
    `${factory} has no option '${first}'${others}.${hint} Its options: ${names.join(', ')}.`,
    {
      data: {
        option: first,
        unknown,
        ...(suggestion === undefined ? {} : { suggestion }),
      },
    },
  );
}
