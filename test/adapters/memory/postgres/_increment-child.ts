/*
 * A child process for concurrency.test.ts: runs `count` read-modify-write
 * transactions incrementing the counters `a` and `b`, retrying each on
 * transaction_conflict as a caller would, then prints how many conflicts
 * it met. Bundled by the test with esbuild (Node 20 cannot run TypeScript).
 */
import { isSkreaverError } from 'skreaver';
import { postgresMemory } from 'skreaver/memory/postgres';

async function main(): Promise<void> {
  const [url, table, namespace, count] = process.argv.slice(2) as [string, string, string, string];
  const memory = await postgresMemory({ connectionString: url, table, namespace, max: 2 });
  let conflicts = 0;
  try {
    for (let i = 0; i < Number(count); i++) {
      for (;;) {
        try {
          await memory.transaction(async (tx) => {
            const [a, b] = await tx.loadMany(['a', 'b']);
            await tx.storeMany([
              { key: 'a', value: String(Number(a ?? '0') + 1) },
              { key: 'b', value: String(Number(b ?? '0') + 1) },
            ]);
          });
          break;
        } catch (error) {
          if (!isSkreaverError(error, 'transaction_conflict')) throw error;
          conflicts++;
        }
      }
    }
  } finally {
    await memory.close();
  }
  process.stdout.write(JSON.stringify({ conflicts }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
