/**
 * Two agents on two mesh nodes play ping-pong with request/reply: each ping
 * is a request, each pong a reply correlated by the ping's id.
 * `examples/mesh-examples.test.ts` runs it.
 */
import { agentId, inProcessMesh, inProcessNetwork, replyHandler, textPayload } from 'skreaver';

export async function main(rounds = 3): Promise<string[]> {
  // Two nodes on one network, as two processes on one Redis server would be.
  const network = inProcessNetwork();
  const left = inProcessMesh({ network, requestTimeoutMs: 5_000 });
  const right = inProcessMesh({ network, requestTimeoutMs: 5_000 });
  const ping = agentId('ping-agent');
  const pong = agentId('pong-agent');

  await right.join(
    pong,
    replyHandler((message) => {
      const round = message.headers.round ?? '?';
      return textPayload(`pong ${round}`);
    }),
  );
  await left.join(ping, () => {});

  const log: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const reply = await left.request({
      from: ping,
      to: pong,
      payload: textPayload('ping'),
      headers: { round: String(round) },
    });
    const text = reply.payload.type === 'text' ? reply.payload.data : '';
    log.push(`${reply.from} -> ${reply.to}: ${text}`);
  }
  log.push(`agents: ${(await left.listAgents()).join(',')}`);
  await left.close();
  await right.close();
  return log;
}
