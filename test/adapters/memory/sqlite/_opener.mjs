// Child process of migrations.test.ts: after `go` on stdin, opens the
// database (running the migrations), stores one key, and prints `ok`.
// Usage: node _opener.mjs <bundle> <db>
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';

const [bundle, path] = process.argv.slice(2);
const { sqliteMemory } = await import(pathToFileURL(bundle).href);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.pause();
const memory = await sqliteMemory({ path });
await memory.store(`opener:${process.pid}`, 'opened');
await memory.close();
process.stdout.write('ok\n');
