/**
 * A supervisor spreads tasks over a pool of workers. One worker fails its
 * first task (the supervisor retries it elsewhere) and one worker's node
 * dies mid-task (presence detects it, the task is re-queued).
 * `examples/mesh-examples.test.ts` runs it.
 */
import {
  agentId,
  createSupervisor,
  inProcessMesh,
  inProcessNetwork,
  jsonPayload,
  nonEmptyArray,
  replyHandler,
} from 'skreaver';

export async function main(): Promise<{ results: number[]; stats: string[] }> {
  const network = inProcessNetwork();
  const main = inProcessMesh({ network });
  const doomedNode = inProcessMesh({ network });
  const [steady, flaky, doomed] = ['steady', 'flaky', 'doomed'].map(agentId) as [
    ReturnType<typeof agentId>,
    ReturnType<typeof agentId>,
    ReturnType<typeof agentId>,
  ];

  const square = replyHandler((message) => {
    const n = message.payload.type === 'json' ? Number(message.payload.data) : Number.NaN;
    return jsonPayload(n * n);
  });
  let flakyFailed = false;
  await main.join(steady, square);
  await main.join(
    flaky,
    replyHandler((message, ctx) => {
      if (!flakyFailed) {
        flakyFailed = true;
        throw new Error('flaky worker hiccup');
      }
      return square(message, ctx) as never;
    }),
  );
  let dieNow: () => void = () => {};
  const died = new Promise<void>((resolve) => {
    dieNow = resolve;
  });
  // This worker never answers; its node is shut down while it holds a task.
  await doomedNode.join(doomed, () => {
    dieNow();
    return new Promise<void>(() => {});
  });

  const supervisor = await createSupervisor({
    mesh: main,
    id: agentId('coordinator'),
    workers: nonEmptyArray([doomed, flaky, steady]),
    strategy: 'round-robin',
    retryDelayMs: 10,
    healthCheckIntervalMs: 20,
  });
  const tasks = [1, 2, 3, 4, 5, 6].map((n) => supervisor.submit(jsonPayload(n)));
  await died;
  await doomedNode.close();
  const replies = await Promise.all(tasks);
  const results = replies.map((reply) =>
    Number(reply.payload.type === 'json' ? reply.payload.data : 0),
  );
  const stats = supervisor.stats().map((s) => `${s.worker}: ${s.available ? 'up' : 'down'}`);
  await supervisor.close();
  await main.close();
  return { results, stats };
}
