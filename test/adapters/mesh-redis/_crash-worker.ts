// A mesh worker in a process of its own, for the crash tests: it joins
// WORKER_ID, reports each task it starts on stdout ("started <id>"), and
// never finishes one, until the test kills it.
import { agentId } from 'skreaver';
import { redisMesh } from 'skreaver/mesh/redis';

async function main(): Promise<void> {
  const env = process.env;
  const mesh = await redisMesh({
    url: env.REDIS_URL as string,
    prefix: env.PREFIX as string,
    visibilityTimeoutMs: Number(env.VISIBILITY_MS),
    presenceTtlMs: Number(env.PRESENCE_TTL_MS),
    heartbeatIntervalMs: Number(env.PRESENCE_TTL_MS) / 5,
  });
  await mesh.join(
    agentId(env.WORKER_ID as string),
    (message) => {
      process.stdout.write(`started ${message.id}\n`);
      return new Promise<void>(() => {});
    },
    { concurrency: Number(env.CONCURRENCY ?? 1) },
  );
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
