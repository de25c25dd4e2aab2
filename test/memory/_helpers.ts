import { expect } from 'vitest';
import { isSkreaverError } from '../../src/errors/skreaver-error.js';

/** A clock tests move by hand. */
export function manualClock(start = 1_000_000) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

/** Awaits `promise`, expects a skreaver error with `code`, and returns it. */
export async function rejection(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => expect.fail(`expected a rejection with ${code}`),
    (reason: unknown) => reason,
  );
  if (!isSkreaverError(error)) throw error;
  expect(error.code).toBe(code);
  return error;
}
