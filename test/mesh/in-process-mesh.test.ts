import { describe, expect, it } from 'vitest';
import type { DeadLetter, MeshMetricsRecorder } from '../../src/index.js';
import {
  agentId,
  createMesh,
  inMemoryDeadLetterStore,
  inProcessMesh,
  inProcessNetwork,
  textPayload,
} from '../../src/index.js';
import { rejection } from '../memory/_helpers.js';

const [a, b] = [agentId('a'), agentId('b')];

function entry(id: string, at: number, agent = b): DeadLetter {
  return {
    id,
    agent,
    reason: 'expired',
    error: { message: 'x' },
    attempts: 1,
    deadLetteredAt: at,
    expiresAt: at + 100,
  };
}

describe('inProcessMesh', () => {
  it('presence expires when heartbeats stop being refreshed by the clock', async () => {
    let now = 1_000;
    const network = inProcessNetwork({ now: () => now });
    const mesh = inProcessMesh({ network, presenceTtlMs: 100, heartbeatIntervalMs: 60_000 });
    await mesh.join(a, () => {});
    expect(await mesh.isReachable(a)).toBe(true);
    now += 101;
    expect([await mesh.isReachable(a), await mesh.listAgents()]).toEqual([false, []]);
    // An expired agent can be claimed by another node.
    const other = inProcessMesh({ network });
    await other.join(a, () => {});
    expect(await other.listAgents()).toEqual([a]);
    await mesh.close();
    await other.close();
  });

  it('the dead-letter store drops expired entries and the oldest past the cap', async () => {
    let now = 0;
    const store = inMemoryDeadLetterStore({ now: () => now });
    for (const id of ['1', '2', '3']) await store.add(entry(id, now), 2);
    expect((await store.list({ limit: 10 })).map((e) => e.id)).toEqual(['2', '3']);
    await store.add(entry('4', 50, a), 10);
    now = 120;
    expect([
      await store.size(),
      await store.get('2'),
      (await store.list({ limit: 10 })).map((e) => e.id),
    ]).toEqual([1, undefined, ['4']]);
    expect([await store.remove('2'), await store.purge(b), await store.purge()]).toEqual([
      false,
      0,
      1,
    ]);
  });

  it('reports metrics and rejects pending requests when closed', async () => {
    const seen: string[] = [];
    const metrics: MeshMetricsRecorder = {
      meshMessageSent: (m) => seen.push(`sent:${m.kind}`),
      meshMessageHandled: (m) => seen.push(`handled:${m.kind}:${m.ok}`),
      meshQueueDepth: (m) => seen.push(`depth:${m.depth}`),
      meshDeadLettered: (m) => seen.push(`dead:${m.reason}`),
    };
    const mesh = inProcessMesh({ metrics, maxDeliveries: 1 });
    let fail = false;
    await mesh.join(b, () => {
      if (fail) throw new Error('no');
    });
    await mesh.join(a, () => new Promise<void>(() => {}));
    await mesh.send({ to: b, payload: textPayload('x') });
    await new Promise((resolve) => setTimeout(resolve, 5));
    fail = true;
    await mesh.send({ to: b, payload: textPayload('y') });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Handling may start before the sender's promise resolves: compare as sets.
    expect([...seen].sort()).toEqual(
      [
        'depth:1',
        'sent:direct',
        'handled:direct:true',
        'depth:1',
        'sent:direct',
        'handled:direct:false',
        'dead:max_deliveries',
      ].sort(),
    );
    const pending = mesh.request(
      { from: a, to: b, payload: textPayload('z') },
      { timeoutMs: 60_000 },
    );
    await mesh.close();
    await rejection(pending, 'mesh_closed');
  });

  it('refuses out-of-range options with invalid_options', () => {
    const bad = [
      { visibilityTimeoutMs: 0 },
      { maxDeliveries: 1.5 },
      { requestTimeoutMs: Number.POSITIVE_INFINITY },
      { backpressure: { warningDepth: 10, criticalDepth: 5 } },
      { backpressure: { mode: 'drop' as never } },
      { clock: {} as never },
      { presenceTtlMs: -1 },
    ];
    for (const options of bad) {
      expect(() => inProcessMesh(options)).toThrow(
        expect.objectContaining({ code: 'invalid_options' }),
      );
    }
    expect(() => createMesh({ transport: {} as never })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() => inProcessMesh({ network: {} as never })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });

  it('a serialized node and an object node share one network', async () => {
    const network = inProcessNetwork();
    const plain = inProcessMesh({ network });
    const wire = inProcessMesh({ network, serialize: true });
    const got: unknown[] = [];
    await plain.join(b, (m) => {
      got.push(m.payload);
    });
    await wire.send({ to: b, payload: textPayload('over the wire') });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(got).toEqual([textPayload('over the wire')]);
    await plain.close();
    await wire.close();
  });
});
