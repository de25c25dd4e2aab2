import { type KnownOptions, rejectUnknownOptions } from '../../_known-options.js';
import { MeshError } from '../../errors/families.js';
import { checkAgent } from '../_validate.js';
import { createMesh } from '../create-mesh.js';
import { resolveLimits } from '../create-message.js';
import type { Mesh } from '../mesh.js';
import type { AddressedMessage, BroadcastMessage, TopicMessage } from '../message.js';
import { type MeshOptions, systemClock } from '../options.js';
import type { InvalidFrame, MeshTransport, TransportChannel } from '../transport.js';
import { decodeMessage, encodeMessage } from '../wire.js';
import { type EntryReader, InProcessConsumer, type MailboxEntry } from './_mailbox.js';
import {
  type ChannelItem,
  channelKey,
  type InProcessNetwork,
  inProcessNetwork,
  networkState,
  type ReplyItem,
} from './network.js';

/** The options inProcessMesh takes, checked against InProcessMeshOptions. */
const IN_PROCESS_MESH_OPTIONS = {
  network: true,
  serialize: true,
  visibilityTimeoutMs: true,
  maxDeliveries: true,
  requestTimeoutMs: true,
  maxPendingRequests: true,
  presenceTtlMs: true,
  heartbeatIntervalMs: true,
  backpressure: true,
  deadLetterTtlMs: true,
  maxDeadLetters: true,
  limits: true,
  clock: true,
  logger: true,
  metrics: true,
} satisfies KnownOptions<InProcessMeshOptions>;

/** Options of {@link inProcessMesh}. */
export interface InProcessMeshOptions extends MeshOptions {
  /**
   * The network this node joins. Meshes on one network see each other's
   * agents, topics and dead letters.
   * @defaultValue a new private network
   */
  readonly network?: InProcessNetwork;
  /**
   * Encode every message to its JSON wire form on send and decode (and
   * validate) it on receipt, as a networked transport does. Slower; use it to
   * test wire fidelity.
   * @defaultValue false
   */
  readonly serialize?: boolean;
}

/**
 * A mesh whose transport is this process's memory: fast, lost on exit, and
 * complete (the same semantics as every transport, through `createMesh`).
 * Messages are passed as objects unless `serialize` is set; every sent
 * message is still validated (ids, payload shape and size, headers).
 *
 * @throws `ValidationError` `invalid_options` for an out-of-range option.
 * @example
 * ```ts
 * const mesh = inProcessMesh();
 * await mesh.join(agentId('pong'), async (message, ctx) => {
 *   await ctx.reply(textPayload('pong'));
 * });
 * await mesh.join(agentId('ping'), () => {});
 * const reply = await mesh.request({ from: agentId('ping'), to: agentId('pong'), payload: textPayload('ping') });
 * await mesh.close();
 * ```
 */
export function inProcessMesh(options: InProcessMeshOptions = {}): Mesh {
  rejectUnknownOptions('inProcessMesh', options, IN_PROCESS_MESH_OPTIONS);
  const clock = options.clock ?? systemClock;
  const network = options.network ?? inProcessNetwork({ now: () => clock.now() });
  const transport = inProcessTransport(network, options);
  return createMesh({ ...options, transport, closeTransport: true });
}

/**
 * The in-process transport alone, for `createMesh` (`inProcessMesh` is the
 * usual entry point).
 *
 * @throws `ValidationError` `invalid_options` when `network` is not from `inProcessNetwork()`.
 */
export function inProcessTransport(
  network: InProcessNetwork,
  options: Pick<InProcessMeshOptions, 'serialize' | 'limits' | 'clock'> = {},
): MeshTransport {
  const state = networkState(network);
  const serialize = options.serialize ?? false;
  const clock = options.clock ?? systemClock;
  const limits = resolveLimits(options.limits);
  const consumers = new Set<InProcessConsumer>();
  const listeners = new Set<{ key: string; fn: (item: ChannelItem) => void }>();
  const replyReceivers = new Map<string, (item: ReplyItem) => void>();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new MeshError('mesh_closed', 'This in-process transport is closed.');
  }

  function decode(
    frame: string,
  ): { message: ReturnType<typeof decodeMessage> } | { invalid: InvalidFrame } {
    try {
      return { message: decodeMessage(frame, limits) };
    } catch (error) {
      return { invalid: { raw: frame, error: error as MeshError } };
    }
  }

  function reader(agent: string): EntryReader {
    return (entry: MailboxEntry, attempt: number) => {
      const { item } = entry;
      if (typeof item !== 'string') {
        return { message: attempt === 1 ? item : { ...item, attempt } };
      }
      const read = decode(item);
      if ('invalid' in read) return { invalid: read.invalid };
      const { message } = read;
      if (message.kind === 'topic' || message.kind === 'broadcast' || message.to !== agent) {
        return {
          invalid: {
            raw: item,
            error: new MeshError(
              'message_invalid',
              'A mailbox frame must be an addressed message for this mailbox.',
              {
                data: { reason: 'invalid_field', field: 'route' },
              },
            ),
          },
        };
      }
      return { message: { ...message, attempt } };
    };
  }

  return {
    name: 'in-process',

    async enqueue(message: AddressedMessage, maxDepth: number) {
      assertOpen();
      const mailbox = state.mailbox(message.to);
      const depth = mailbox.depth();
      if (depth >= maxDepth) return { accepted: false, depth };
      mailbox.push({ item: serialize ? encodeMessage(message) : message, attempt: 0 });
      return { accepted: true, depth: depth + 1 };
    },

    async depth(agent) {
      assertOpen();
      return state.mailboxes.get(agent)?.depth() ?? 0;
    },

    async consume(agent, consumeOptions) {
      assertOpen();
      const mailbox = state.mailbox(checkAgent(agent, 'agent'));
      // Presence makes this the only live node for the agent; a consumer still
      // attached belongs to a node that lost its presence, and is replaced.
      await mailbox.consumer?.close();
      const consumer = new InProcessConsumer(
        agent,
        mailbox,
        consumeOptions,
        reader(agent),
        state.deadLetters,
        clock,
      );
      mailbox.consumer = consumer;
      consumers.add(consumer);
      consumer.wake();
      return {
        async close() {
          consumers.delete(consumer);
          await consumer.close();
          state.prune(agent);
        },
      };
    },

    async publish(channel, message) {
      assertOpen();
      state.publish(channel, serialize ? encodeMessage(message) : message);
    },

    async subscribe(channel: TransportChannel, listener) {
      assertOpen();
      const key = channelKey(channel);
      const fn = (item: ChannelItem) => {
        if (typeof item !== 'string') return listener(item);
        const read = decode(item);
        if ('invalid' in read) return listener(undefined, read.invalid);
        const { message } = read;
        if (message.kind !== 'topic' && message.kind !== 'broadcast') {
          return listener(undefined, {
            raw: item,
            error: new MeshError(
              'message_invalid',
              'A channel frame must be a topic or broadcast message.',
              {
                data: { reason: 'invalid_field', field: 'kind' },
              },
            ),
          });
        }
        listener(message as TopicMessage | BroadcastMessage);
      };
      let set = state.channels.get(key);
      if (set === undefined) {
        set = new Set();
        state.channels.set(key, set);
      }
      set.add(fn);
      const entry = { key, fn };
      listeners.add(entry);
      return {
        async close() {
          listeners.delete(entry);
          const current = state.channels.get(key);
          current?.delete(fn);
          if (current?.size === 0) state.channels.delete(key);
        },
      };
    },

    async sendReply(node, reply) {
      assertOpen();
      state.sendReply(node, serialize ? encodeMessage(reply) : reply);
    },

    async listenReplies(node, listener) {
      assertOpen();
      const receiver = (item: ReplyItem) => {
        if (typeof item !== 'string') return listener(item);
        const read = decode(item);
        if ('invalid' in read) return listener(undefined, read.invalid);
        const { message } = read;
        if (message.kind !== 'reply') {
          return listener(undefined, {
            raw: item,
            error: new MeshError('message_invalid', 'Only replies travel straight to a node.', {
              data: { reason: 'invalid_field', field: 'kind' },
            }),
          });
        }
        listener(message);
      };
      state.replies.set(node, receiver);
      replyReceivers.set(node, receiver);
      return {
        async close() {
          if (replyReceivers.get(node) === receiver) replyReceivers.delete(node);
          if (state.replies.get(node) === receiver) state.replies.delete(node);
        },
      };
    },

    presence: state.presence,
    deadLetters: state.deadLetters,

    async close() {
      if (closed) return;
      closed = true;
      for (const consumer of [...consumers]) await consumer.close();
      consumers.clear();
      for (const { key, fn } of listeners) state.channels.get(key)?.delete(fn);
      listeners.clear();
      for (const [node, receiver] of replyReceivers) {
        if (state.replies.get(node) === receiver) state.replies.delete(node);
      }
      replyReceivers.clear();
    },
  };
}
