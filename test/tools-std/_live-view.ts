/**
 * A stand-in for a resource the hooks of a test file make and dispose of:
 * every property read goes to the one `current` returns at that moment, so
 * a test file can hold it in a `const` before the resource exists.
 */
export function liveView<T extends object>(what: string, current: () => T | undefined): T {
  const now = (): T => {
    const value = current();
    if (value === undefined) throw new Error(`${what} exists only while the tests run.`);
    return value;
  };
  return new Proxy({} as T, { get: (_target, key) => Reflect.get(now(), key) });
}
