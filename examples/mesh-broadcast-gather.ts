/**
 * A coordinator asks three workers for their status and gathers the
 * answers with a quorum; one worker is too slow and is reported missing.
 * Workers also hear an announcement broadcast to everyone.
 * `examples/mesh-examples.test.ts` runs it.
 */
import {
  agentId,
  broadcastGather,
  inProcessMesh,
  jsonPayload,
  nonEmptyArray,
  replyHandler,
  textPayload,
} from 'skreaver';

export async function main(): Promise<{
  replies: string[];
  missing: string[];
  complete: boolean;
  heard: string[];
}> {
  const mesh = inProcessMesh();
  const coordinator = agentId('coordinator');
  const workers = ['worker-1', 'worker-2', 'worker-3'].map(agentId);
  const heard: string[] = [];

  for (const worker of workers) {
    await mesh.join(
      worker,
      replyHandler(async (message) => {
        if (message.kind === 'broadcast') {
          heard.push(worker);
          return textPayload('');
        }
        // worker-3 takes longer than the coordinator is willing to wait.
        if (worker === 'worker-3') await new Promise((resolve) => setTimeout(resolve, 200));
        return jsonPayload({ worker, load: worker.length });
      }),
    );
  }
  await mesh.join(coordinator, () => {});

  await mesh.broadcast({ from: coordinator, payload: textPayload('status round starting') });
  const result = await broadcastGather(mesh, {
    from: coordinator,
    targets: nonEmptyArray(workers),
    payload: jsonPayload({ question: 'status' }),
    quorum: 2,
    timeoutMs: 50,
  });
  await mesh.close();
  return {
    replies: result.replies.map((reply) => reply.agent).sort(),
    missing: [...result.missing],
    complete: result.complete,
    heard: heard.sort(),
  };
}
