// Child process of concurrency.test.ts: after `go` on stdin, increments one
// key `count` times through read-modify-write transactions, running each
// again on transaction_conflict, then prints `done <conflicts>`.
// Usage: node _incrementer.mjs <bundle> <db> <key> <count>
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';

const [bundle, path, key, count] = process.argv.slice(2);
const { sqliteMemory } = await import(pathToFileURL(bundle).href);
const memory = await sqliteMemory({ path });
process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.pause();

let conflicts = 0;
for (let i = 0; i < Number(count); i++) {
  for (;;) {
    try {
      await memory.transaction(async (tx) => {
        const current = Number((await tx.load(key)) ?? '0');
        // Let the event loop turn between the read and the write, as a real
        // body awaiting other work would, widening the window for a race.
        await new Promise((resolve) => setImmediate(resolve));
        await tx.store(key, String(current + 1));
      });
      break;
    } catch (error) {
      if (error?.code !== 'transaction_conflict') throw error;
      conflicts++;
    }
  }
}
await memory.close();
process.stdout.write(`done ${conflicts}\n`);
