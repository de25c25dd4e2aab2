/*
 * A child process for the lock and crash tests, bundled by _child-process.ts
 * (Node 20 cannot run TypeScript itself). Usage: node child.mjs MODE PATH [RUN].
 *
 * - hold: opens the memory, prints "ready", closes it when stdin ends.
 * - try: tries to open the memory once, prints the outcome as JSON, exits.
 * - write-close: opens, stores one key, closes, and must then exit by itself.
 * - writer: opens, prints "ready", then stores forever on several lanes at
 *   once, printing "<lane> <n>" after each write's promise resolved (stdout
 *   is a pipe, written synchronously on Linux, so a printed line means the
 *   write was acknowledged before any kill).
 */
import { fileMemory } from 'skreaver/memory/file';
import { crashPayload, LANES } from './_crash-payload.js';

const [mode, path, run = '0'] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: child MODE PATH [RUN]');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

switch (mode) {
  case 'hold': {
    const memory = await fileMemory({ path });
    say('ready');
    process.stdin.resume();
    process.stdin.on('end', () => {
      void memory.close();
    });
    break;
  }
  case 'try': {
    try {
      const memory = await fileMemory({ path });
      say(JSON.stringify({ opened: true, value: await memory.load('owner') }));
      await memory.close();
    } catch (error) {
      const { code, data } = error as { code?: unknown; data?: unknown };
      say(JSON.stringify({ opened: false, code, data }));
    }
    break;
  }
  case 'write-close': {
    const memory = await fileMemory({ path });
    await memory.store('child', 'wrote and closed');
    await memory.close();
    break;
  }
  case 'writer': {
    const memory = await fileMemory({ path });
    say('ready');
    const lane = async (l: number) => {
      for (let n = 0; ; n++) {
        const key = `r${run}:l${l}:${n}`;
        const value = crashPayload(key);
        // Alternate single stores and batches that also move a counter.
        if (n % 2 === 0) await memory.store(key, value);
        else
          await memory.storeMany([
            { key, value },
            { key: `counter:l${l}`, value: `${run}:${n}` },
          ]);
        say(`${l} ${n}`);
      }
    };
    await Promise.all(Array.from({ length: LANES }, (_, l) => lane(l)));
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
