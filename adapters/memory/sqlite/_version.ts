import { getRandomValues } from 'node:crypto';

/** How many random 32-bit words are drawn at once (two per version). */
const POOL_WORDS = 512;

/**
 * Draws row versions: random integers in [1, 2^53). A transaction records the
 * version of each key it touches and commits only if every one is unchanged,
 * so what matters is that a new write never repeats the version a
 * transaction recorded; with 53 random bits the chance that one concurrent
 * write does is 2^-53. Random versions need no counter shared between
 * processes, so a single write stays a single statement. (0 stands for
 * "absent" and is never drawn.)
 */
export function versionSource(): () => number {
  const pool = new Uint32Array(POOL_WORDS);
  let next = POOL_WORDS;
  return () => {
    for (;;) {
      if (next >= POOL_WORDS) {
        getRandomValues(pool);
        next = 0;
      }
      const high = (pool[next] as number) & 0x1fffff; // 21 bits
      const low = pool[next + 1] as number; // 32 bits
      next += 2;
      const version = high * 0x100000000 + low;
      if (version !== 0) return version;
    }
  };
}
