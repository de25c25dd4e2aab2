import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { sqliteMemory } from 'skreaver/memory/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAdapter } from './_bundle.js';
import { startChild } from './_child.js';
import { tempDir } from './_temp.js';

/*
 * A child process writes continuously (store and storeMany, with overwrites
 * and values up to 200 KB) and is SIGKILLed at a random moment, 50 times on
 * the same file. After each kill the file opens, every acknowledged write is
 * there with its exact value, and the write in flight at the kill is there
 * entirely or not at all.
 */

const ITERATIONS = 50;
const temp = tempDir('crash');
let bundle: string;

beforeAll(async () => {
  bundle = await bundleAdapter(temp.dir);
});
afterAll(() => temp.remove());

const sha = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

interface Op {
  readonly n: number;
  readonly writes: ReadonlyMap<string, string>;
}

function parseOps(lines: readonly string[]): { ops: Op[]; acked: Set<number> } {
  const ops: Op[] = [];
  const acked = new Set<number>();
  for (const line of lines) {
    const [kind, n, ...rest] = line.split(' ');
    if (kind === 'op') {
      const writes = new Map(rest.map((pair) => pair.split('=') as [string, string]));
      ops.push({ n: Number(n), writes });
    } else if (kind === 'ack') {
      acked.add(Number(n));
    }
  }
  return { ops, acked };
}

describe('sqliteMemory survives SIGKILL', () => {
  it(`keeps every acknowledged write, exactly, across ${ITERATIONS} kills`, async () => {
    const path = temp.file('crash');
    let acknowledged = 0;
    // What each key must hold at the end (sha256 of its last acknowledged value).
    const final = new Map<string, string>();
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const child = startChild('_crash-writer.mjs', [bundle, path, String(iteration)]);
      await child.waitForLine((line) => line === 'ready');
      await new Promise((done) => setTimeout(done, 10 + Math.random() * 120));
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      expect(signal, child.stderr()).toBe('SIGKILL');

      const { ops, acked } = parseOps(child.lines);
      const expected = new Map<string, string>();
      const inFlight = ops.find((op) => !acked.has(op.n));
      for (const op of ops) {
        if (acked.has(op.n)) for (const [key, hash] of op.writes) expected.set(key, hash);
      }
      acknowledged += acked.size;

      const memory = await sqliteMemory({ path });
      try {
        const keys = [...new Set([...expected.keys(), ...(inFlight?.writes.keys() ?? [])])];
        const values = await memory.loadMany(keys);
        const found = new Map(keys.map((key, i) => [key, values[i]]));
        // The write in flight landed whole or not at all.
        let landed: boolean | undefined;
        for (const [key, hash] of inFlight?.writes ?? []) {
          const value = found.get(key);
          const here = value !== undefined && sha(value) === hash;
          landed ??= here;
          expect(here, `the in-flight write #${inFlight?.n} is torn at ${key}`).toBe(landed);
          if (here) expected.set(key, hash);
        }
        for (const [key, hash] of expected) {
          const value = found.get(key);
          expect(value, `acknowledged key ${key} after kill ${iteration}`).toBeDefined();
          expect(sha(value as string), `value of ${key} after kill ${iteration}`).toBe(hash);
          final.set(key, hash);
        }
      } finally {
        await memory.close();
      }
    }
    // Enough writes were acknowledged for the test to mean something.
    expect(acknowledged).toBeGreaterThan(ITERATIONS);

    const memory = await sqliteMemory({ path });
    const keys = [...final.keys()];
    const values = await memory.loadMany(keys);
    values.forEach((value, i) => {
      expect(sha(value ?? ''), `final value of ${keys[i]}`).toBe(final.get(keys[i] as string));
    });
    await memory.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 120_000);
});
