import { readdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileMemory } from 'skreaver/memory/file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChild, startChild } from './_child-process.js';
import { crashPayload, LANES } from './_crash-payload.js';
import { tempDirs } from './_helpers.js';

/*
 * The failure users fear most: losing or corrupting state when the process
 * dies. A child stores continuously on several lanes (single stores and
 * batches, coalesced by group commit) and prints each write once its promise
 * resolved; it is killed with SIGKILL at a random moment, 50 times. After
 * each kill the file must open (the dead child's lock taken over), hold every
 * acknowledged write exactly, and hold nothing torn or invented.
 */

const KILLS = 50;
const dirs = tempDirs();
let child: Awaited<ReturnType<typeof bundleChild>>;

beforeAll(async () => {
  child = await bundleChild();
});
afterAll(async () => {
  await child?.remove();
});

describe('fileMemory crash safety', () => {
  it(`keeps every acknowledged write across ${KILLS} SIGKILLs at random moments`, async () => {
    const path = await dirs.file();
    // The highest counter value acknowledged in the current run, per lane.
    const counters = new Map<string, number>();
    let acknowledged = 0;
    // Kills that landed while a temporary file was being written (about 2 in 5).
    let killedMidWrite = 0;
    for (let run = 0; run < KILLS; run++) {
      const writer = startChild(child.script, ['writer', path, String(run)]);
      await writer.line((line) => line === 'ready');
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 200));
      writer.process.kill('SIGKILL');
      expect((await writer.exited).signal).toBe('SIGKILL');
      expect(JSON.parse(await readFile(`${path}.lock`, 'utf8')).pid).toBe(writer.pid);

      const acks = writer.lines.filter((line) => line !== 'ready').map((line) => line.split(' '));
      acknowledged += acks.length;
      const left = await readdir(dirname(path));
      if (left.some((name) => name.endsWith('.tmp'))) killedMidWrite++;
      const memory = await fileMemory({ path });
      try {
        for (const [lane, n] of acks) {
          const key = `r${run}:l${lane}:${n}`;
          expect(await memory.load(key), key).toBe(crashPayload(key));
          if (Number(n) % 2 === 1) {
            const counter = `counter:l${lane}`;
            counters.set(counter, Math.max(counters.get(counter) ?? -1, Number(n)));
          }
        }
        // Unacknowledged writes may or may not be there, but never torn.
        const written = await memory.keys(`r${run}:`);
        const values = await memory.loadMany(written);
        written.forEach((key, i) => {
          expect(values[i], key).toBe(crashPayload(key));
        });
        expect(written.length).toBeGreaterThanOrEqual(acks.length);
        for (let lane = 0; lane < LANES; lane++) {
          const counter = `counter:l${lane}`;
          const last = counters.get(counter);
          if (last === undefined) continue;
          // The counter holds this run's last acknowledged value or a later one.
          const [valueRun, valueN] = ((await memory.load(counter)) ?? '').split(':');
          expect(valueRun, counter).toBe(String(run));
          expect(Number(valueN), counter).toBeGreaterThanOrEqual(last);
        }
        // Keep the file small for the next run; this also checks deletes are durable.
        await Promise.all(written.map((key) => memory.delete(key)));
      } finally {
        await memory.close();
      }
      counters.clear();
      // The open removed the temporary file a killed write left; close removed the lock.
      expect(await readdir(dirname(path))).toEqual(['state.json']);
    }
    // The kills happened while writes were being acknowledged, not before.
    expect(acknowledged).toBeGreaterThan(KILLS);
    expect(killedMidWrite).toBeGreaterThan(0);
    const memory = await fileMemory({ path });
    expect(await memory.keys('r')).toEqual([]);
    await memory.close();
  }, 60_000);
});
