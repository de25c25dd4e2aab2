// Child process of crash.test.ts: writes to a SQLite memory until it is
// killed. Before each write it prints the write (`op <n> <key>=<sha256> ...`)
// and after the promise resolves `ack <n>`, so the parent knows which writes
// were acknowledged and which one was in flight when the SIGKILL came.
// Usage: node _crash-writer.mjs <bundle> <db> <iteration>
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [bundle, path, iteration] = process.argv.slice(2);
const { sqliteMemory } = await import(pathToFileURL(bundle).href);
const memory = await sqliteMemory({ path });
const KEYS = 40;
const out = (line) => process.stdout.write(`${line}\n`);
const sha = (value) => createHash('sha256').update(value, 'utf8').digest('hex');

function value() {
  // Mostly small values, some spanning many pages (overflow chains are where
  // a torn write would show), with multi-byte characters and NUL in them.
  const size = randomInt(10) === 0 ? randomInt(20_000, 200_000) : randomInt(0, 2_000);
  return `${randomBytes(Math.ceil(size / 2))
    .toString('base64')
    .slice(0, size)}é😀\u0000${size}`;
}

function distinctKeys(count) {
  const keys = new Set();
  while (keys.size < count) keys.add(`i${iteration}:k${randomInt(KEYS)}`);
  return [...keys];
}

out('ready');
for (let n = 0; ; n++) {
  const batch = randomInt(3) === 0;
  const entries = distinctKeys(batch ? randomInt(2, 9) : 1).map((key) => ({ key, value: value() }));
  out(`op ${n} ${entries.map((e) => `${e.key}=${sha(e.value)}`).join(' ')}`);
  if (batch) await memory.storeMany(entries);
  else await memory.store(entries[0].key, entries[0].value);
  out(`ack ${n}`);
}
