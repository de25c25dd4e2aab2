import { ValidationError } from '../errors/families.js';
import type { AgentId } from '../identifiers/identifiers.js';
import { type MailboxConsumer, startConsumer } from './_consumer.js';
import { createDeadLetterQueue } from './_dead-letter-queue.js';
import { createMeshEvents } from './_events.js';
import { createFanout } from './_fanout.js';
import { createPresence } from './_presence.js';
import { resolveMeshOptions } from './_resolve-options.js';
import type { MeshRuntime } from './_runtime.js';
import { createSender } from './_sender.js';
import { createTimerSet } from './_timers.js';
import { checkAgent, checkTopic } from './_validate.js';
import { backpressureLevel } from './backpressure.js';
import { buildMessage } from './create-message.js';
import { meshClosed } from './errors.js';
import type { Mesh, MeshEvent } from './mesh.js';
import type { AddressedMessage, MeshMessage } from './message.js';
import { newMessageId } from './message.js';
import type { CreateMeshOptions } from './options.js';
import { createRequestTracker } from './patterns/_request-tracker.js';

/**
 * Builds the `Mesh` contract on a transport. Everything that is not moving
 * or storing bytes happens here, once for every transport: validation,
 * handler timeouts, redelivery limits and dead-lettering, request/reply,
 * backpressure, presence heartbeats, events and metrics.
 *
 * @throws `ValidationError` `invalid_options` for an out-of-range option.
 * @example
 * ```ts
 * const mesh = createMesh({ transport: myTransport, visibilityTimeoutMs: 5_000 });
 * ```
 */
export function createMesh(options: CreateMeshOptions): Mesh {
  const resolved = resolveMeshOptions(options);
  const { transport } = options;
  if (typeof transport?.enqueue !== 'function') {
    throw new ValidationError('invalid_options', 'createMesh needs a transport.', {
      data: { option: 'transport' },
    });
  }
  const closeTransport = options.closeTransport ?? true;
  const nodeId = newMessageId();
  const events = createMeshEvents(resolved.logger);
  const timers = createTimerSet(resolved.clock);
  const members = new Map<AgentId, MailboxConsumer>();
  const joining = new Set<AgentId>();
  let closing: Promise<void> | undefined;

  const assertOpen = (): void => {
    if (closing !== undefined) throw meshClosed();
  };
  const sender = createSender(transport, resolved, events, timers, assertOpen);

  const rt: MeshRuntime = {
    nodeId,
    options: resolved,
    transport,
    events,
    timers,
    assertOpen,
    isClosed: () => closing !== undefined,
    isJoined: (agent) => members.has(agent),
    enqueue: sender.enqueue,
    observeDepth: sender.observe,
    reportDeadLetter(entry) {
      resolved.metrics.meshDeadLettered?.call(resolved.metrics, { reason: entry.reason });
      events.emit({ type: 'dead_letter', entry });
    },
    isExpired(message: MeshMessage) {
      return (
        message.ttlMs !== undefined && resolved.clock.now() > message.timestamp + message.ttlMs
      );
    },
  };

  const requests = createRequestTracker(rt);
  const fanout = createFanout(rt, members);
  const presence = createPresence(rt, () => members.keys());
  const deadLetters = createDeadLetterQueue(rt);

  async function leave(agent: AgentId): Promise<void> {
    const member = members.get(agent);
    if (member === undefined) return;
    members.delete(agent);
    await member.close(meshClosed());
    await presence.release(agent);
  }

  const mesh: Mesh = {
    nodeId,
    deadLetters,

    async join(agent, handler, joinOptions = {}) {
      assertOpen();
      const id = checkAgent(agent, 'agent');
      const concurrency = joinOptions.concurrency ?? 1;
      if (typeof handler !== 'function' || !Number.isSafeInteger(concurrency) || concurrency < 1) {
        throw new ValidationError(
          'invalid_input',
          'join needs a handler function and a concurrency that is a positive integer.',
          { data: { reason: 'invalid_join' } },
        );
      }
      if (members.has(id) || joining.has(id)) {
        throw new ValidationError(
          'invalid_input',
          `The agent ${id} is already joined on this mesh.`,
          {
            data: { reason: 'agent_already_joined', agent: id },
          },
        );
      }
      joining.add(id);
      try {
        await presence.claim(id);
        try {
          await Promise.all([fanout.listenToBroadcasts(), requests.listen()]);
          const consumer = await startConsumer(rt, requests, id, handler, concurrency);
          if (closing !== undefined) {
            await consumer.close(meshClosed());
            throw meshClosed();
          }
          members.set(id, consumer);
        } catch (error) {
          await presence.release(id);
          throw error;
        }
      } finally {
        joining.delete(id);
      }
      return { agent: id, leave: () => mesh.leave(id) };
    },

    async leave(agent) {
      await leave(agent);
    },

    isJoined: (agent) => members.has(agent),

    async send(draft) {
      assertOpen();
      const message = buildMessage(
        { kind: 'direct', to: draft?.to },
        draft,
        resolved.limits,
        resolved.clock.now(),
      ) as AddressedMessage;
      await sender.enqueue(message, false);
      return message.id;
    },

    request(draft, requestOptions) {
      // Not async (one promise less per request), but never throws either.
      try {
        return requests.request(draft, requestOptions);
      } catch (error) {
        return Promise.reject(error);
      }
    },

    async publish(topic, draft) {
      assertOpen();
      const message = buildMessage(
        { kind: 'topic', topic },
        draft,
        resolved.limits,
        resolved.clock.now(),
      );
      if (message.kind !== 'topic') throw new Error('unreachable');
      await transport.publish({ kind: 'topic', topic: message.topic }, message);
      resolved.metrics.meshMessageSent?.call(resolved.metrics, { kind: 'topic' });
      return message.id;
    },

    async subscribe(topic, handler) {
      assertOpen();
      const name = checkTopic(topic, 'topic');
      if (typeof handler !== 'function') {
        throw new ValidationError('invalid_input', 'subscribe needs a handler function.', {
          data: { reason: 'invalid_handler' },
        });
      }
      return fanout.subscribe(name, handler);
    },

    async unsubscribe(subscription) {
      await fanout.unsubscribe(subscription);
    },

    async broadcast(draft) {
      assertOpen();
      const message = buildMessage(
        { kind: 'broadcast' },
        draft,
        resolved.limits,
        resolved.clock.now(),
      );
      if (message.kind !== 'broadcast') throw new Error('unreachable');
      await transport.publish({ kind: 'broadcast' }, message);
      resolved.metrics.meshMessageSent?.call(resolved.metrics, { kind: 'broadcast' });
      return message.id;
    },

    async isReachable(agent) {
      assertOpen();
      return transport.presence.isPresent(checkAgent(agent, 'agent'));
    },

    async listAgents() {
      assertOpen();
      return (await transport.presence.list()).sort();
    },

    async queueDepth(agent) {
      assertOpen();
      const id = checkAgent(agent, 'agent');
      const depth = await transport.depth(id);
      sender.observe(id, depth);
      return { depth, level: backpressureLevel(depth, resolved) };
    },

    on(type, listener) {
      return events.on(type, listener as (event: MeshEvent) => void);
    },

    close() {
      closing ??= (async () => {
        const reason = meshClosed();
        const replies = requests.close(reason);
        presence.stop();
        const agents = [...members.keys()];
        await Promise.allSettled(agents.map((agent) => leave(agent)));
        await Promise.allSettled([fanout.close(reason), replies]);
        timers.clear(() => meshClosed());
        if (closeTransport) await transport.close();
        events.clear();
      })();
      return closing;
    },
  };
  return mesh;
}
