import { describe, expect, it } from 'vitest';
import type {
  DeadLetter,
  DeliveryContext,
  MeshClock,
  MeshMetricsRecorder,
  MeshTransport,
} from '../../src/index.js';
import {
  agentId,
  createMesh,
  inMemoryDeadLetterStore,
  inProcessMesh,
  inProcessNetwork,
  inProcessTransport,
  REPLY_TO_HEADER,
  textPayload,
} from '../../src/index.js';
import { networkState } from '../../src/mesh/in-process/network.js';
import { rejection } from '../memory/_helpers.js';

/** A clock that moves only when told, firing due timers in order. */
function manualClock(): MeshClock & { advance(to: number): Promise<void> } {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(to) {
      await settle();
      for (;;) {
        let due: [number, { at: number; fn: () => void }] | undefined;
        for (const item of timers)
          if (item[1].at <= to && (!due || item[1].at < due[1].at)) due = item;
        if (due === undefined) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        await settle();
      }
      now = to;
      await settle();
    },
  };
}

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

  it('each request times out after its own timeout, however many share a timer', async () => {
    const clock = manualClock();
    const mesh = inProcessMesh({ clock, presenceTtlMs: 1e9, visibilityTimeoutMs: 1e6 });
    const held: DeliveryContext[] = [];
    await mesh.join(b, (_m, ctx) => new Promise<void>(() => held.push(ctx)), { concurrency: 8 });
    await mesh.join(a, () => {});
    const settled: string[] = [];
    const ask = (name: string, timeoutMs: number) =>
      mesh.request({ from: a, to: b, payload: textPayload(name) }, { timeoutMs }).then(
        () => settled.push(`${name} replied at ${clock.now()}`),
        (error: { code?: string }) => settled.push(`${name} ${error.code} at ${clock.now()}`),
      );
    const r1 = ask('r1', 100);
    await clock.advance(50);
    const r2 = ask('r2', 100);
    const r3 = ask('r3', 30);
    await clock.advance(60);
    await held[0]?.reply(textPayload('done'));
    await clock.advance(200);
    await Promise.all([r1, r2, r3]);
    expect(settled).toEqual([
      'r1 replied at 60',
      'r3 mesh_timeout at 80',
      'r2 mesh_timeout at 150',
    ]);
    await mesh.close();
  });

  it('each delivery gets its own visibility timeout, however many share a timer', async () => {
    const clock = manualClock();
    const mesh = inProcessMesh({ clock, presenceTtlMs: 1e9, visibilityTimeoutMs: 100 });
    const timedOut: string[] = [];
    const release: (() => void)[] = [];
    await mesh.join(
      b,
      (message, ctx) =>
        new Promise<void>((resolve) => {
          const name = message.payload.type === 'text' ? message.payload.data : '';
          ctx.signal.addEventListener('abort', () => timedOut.push(`${name} at ${clock.now()}`));
          release.push(resolve);
        }),
      { concurrency: 2 },
    );
    await mesh.send({ to: b, payload: textPayload('first') });
    await clock.advance(50);
    await mesh.send({ to: b, payload: textPayload('second') });
    await clock.advance(60);
    release[0]?.();
    await clock.advance(120);
    expect(timedOut).toEqual([]);
    await clock.advance(150);
    expect(timedOut).toEqual(['second at 150']);
    await mesh.close();
  });

  it('frames sent straight to a node that are not replies are reported, not used', async () => {
    const network = inProcessNetwork();
    const mesh = inProcessMesh({ network });
    await mesh.join(a, () => {});
    const reasons: string[] = [];
    mesh.on('message_invalid', (event) => {
      const data = event.error.data as { reason?: string } | undefined;
      reasons.push(`${event.source}:${data?.reason}`);
    });
    const state = networkState(network);
    state.sendReply(mesh.nodeId, '{nope');
    state.sendReply(mesh.nodeId, '{"v":2}');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(reasons).toEqual(['reply:malformed_json', 'reply:unknown_version']);
    await mesh.close();
  });

  it('without the fast lane, replies come back through the requester mailbox', async () => {
    const network = inProcessNetwork();
    const { sendReply: _send, listenReplies: _listen, ...plain } = inProcessTransport(network);
    const transport: MeshTransport = plain;
    const server = createMesh({ transport: inProcessTransport(network) });
    const client = createMesh({ transport });
    const headers: (string | undefined)[] = [];
    await server.join(b, async (message, ctx) => {
      headers.push(message.headers[REPLY_TO_HEADER]);
      await ctx.reply(textPayload('pong'));
    });
    await client.join(a, () => {});
    const reply = await client.request({ from: a, to: b, payload: textPayload('ping') });
    expect([reply.payload, headers]).toEqual([textPayload('pong'), [undefined]]);
    await client.close();
    await server.close();
  });
});
