/** Every option name of `Options`, as an object for {@link Problems.unknownKeys}; the type keeps it complete. */
export type OptionNames<Options> = { readonly [Name in keyof Required<Options>]: true };

/** Collects every problem of an options object, so one error can list them all. */
export class Problems {
  readonly list: string[] = [];

  add(path: string, message: string, value?: unknown): void {
    const got = value === undefined ? '' : `, got ${describe(value)}`;
    this.list.push(`${path} ${message}${got}`);
  }

  number(
    path: string,
    value: unknown,
    fallback: number,
    [min, max]: readonly [number, number],
    integer = true,
  ): number {
    if (value === undefined) return fallback;
    if (
      typeof value !== 'number' ||
      Number.isNaN(value) ||
      (integer && !Number.isInteger(value)) ||
      value < min ||
      value > max
    ) {
      this.add(path, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`, value);
      return fallback;
    }
    return value;
  }

  /** Reports every key of `value` that `known` does not have, as `<prefix><key> is not an option`. */
  unknownKeys(prefix: string, value: Record<string, unknown>, known: object): void {
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(known, key)) this.add(`${prefix}${key}`, 'is not an option');
    }
  }

  object(path: string, value: unknown): Record<string, unknown> {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.add(path, 'must be an object', value);
      return {};
    }
    return value as Record<string, unknown>;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return String(value);
}

/** Whether `value` is an object with a method `name`. */
export function hasMethod(value: unknown, name: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[name] === 'function'
  );
}
