import { type KnownOptions, rejectUnknownOptions } from '../../_known-options.js';
import { ValidationError } from '../../errors/families.js';
import type { AgentId } from '../../identifiers/identifiers.js';
import { checkAgent, checkTopic } from '../_validate.js';
import type { DeadLetterStore } from '../dead-letter.js';
import { inMemoryDeadLetterStore } from '../in-memory-dead-letter-store.js';
import type { AddressedMessage, BroadcastMessage, TopicMessage } from '../message.js';
import type { PresenceStore, TransportChannel } from '../transport.js';
import { Mailbox } from './_mailbox.js';

/** The options inProcessNetwork takes, checked against InProcessNetworkOptions. */
const IN_PROCESS_NETWORK_OPTIONS = {
  now: true,
} satisfies KnownOptions<InProcessNetworkOptions>;

/** Options of {@link inProcessNetwork}. */
export interface InProcessNetworkOptions {
  /**
   * The clock presence and dead-letter expiry are checked against, in epoch
   * milliseconds. Expiry is checked when read; no timer runs.
   * @defaultValue Date.now
   */
  readonly now?: () => number;
}

/**
 * The shared medium of in-process meshes: every `inProcessMesh` given the
 * same network sees the same mailboxes, topics, presence and dead letters,
 * as nodes on one Redis server would. It holds no timers and needs no closing.
 */
export interface InProcessNetwork {
  /**
   * Puts a raw frame in an agent's mailbox, as a broken or foreign sender
   * could on a networked transport (for tests of bad input).
   */
  injectFrame(agent: AgentId, frame: string): void;
  /** Publishes a raw frame on a channel (for tests of bad input). */
  publishFrame(channel: TransportChannel, frame: string): void;
}

/** What travels on a channel: a message object or a frame. */
export type ChannelItem = TopicMessage | BroadcastMessage | string;

/** What travels straight to a node: a reply object or a frame. */
export type ReplyItem = AddressedMessage | string;

/** The network's state; transports reach it through {@link networkState}. */
export class NetworkState implements InProcessNetwork {
  readonly mailboxes = new Map<AgentId, Mailbox>();
  readonly channels = new Map<string, Set<(item: ChannelItem) => void>>();
  /** Each node's receiver of direct replies, by node id. */
  readonly replies = new Map<string, (item: ReplyItem) => void>();
  readonly presence: PresenceStore;
  readonly deadLetters: DeadLetterStore;
  private readonly entries = new Map<AgentId, { owner: string; expiresAt: number }>();

  constructor(readonly now: () => number) {
    this.deadLetters = inMemoryDeadLetterStore({ now });
    const entries = this.entries;
    const live = (agent: AgentId): boolean => {
      const entry = entries.get(agent);
      if (entry === undefined) return false;
      if (entry.expiresAt > now()) return true;
      entries.delete(agent);
      return false;
    };
    this.presence = {
      async claim(agent, owner, ttlMs) {
        const entry = entries.get(agent);
        if (entry !== undefined && entry.owner !== owner && live(agent)) return false;
        entries.set(agent, { owner, expiresAt: now() + ttlMs });
        return true;
      },
      async release(agent, owner) {
        if (entries.get(agent)?.owner === owner) entries.delete(agent);
      },
      async isPresent(agent) {
        return live(agent);
      },
      async list() {
        return [...entries.keys()].filter(live);
      },
    };
  }

  mailbox(agent: AgentId): Mailbox {
    let mailbox = this.mailboxes.get(agent);
    if (mailbox === undefined) {
      mailbox = new Mailbox();
      this.mailboxes.set(agent, mailbox);
    }
    return mailbox;
  }

  /** Drops a mailbox nobody reads and nothing is in. */
  prune(agent: AgentId): void {
    const mailbox = this.mailboxes.get(agent);
    if (mailbox !== undefined && mailbox.consumer === undefined && mailbox.depth() === 0) {
      this.mailboxes.delete(agent);
    }
  }

  publish(channel: TransportChannel, item: ChannelItem): void {
    const listeners = this.channels.get(channelKey(channel));
    if (listeners === undefined || listeners.size === 0) return;
    const snapshot = [...listeners];
    // Listeners run on a microtask: publish resolves before any handler runs.
    queueMicrotask(() => {
      for (const listener of snapshot) listener(item);
    });
  }

  /** Hands a reply to a node's receiver, if it has one (at most once, on a microtask). */
  sendReply(node: string, item: ReplyItem): void {
    const receiver = this.replies.get(node);
    if (receiver !== undefined) queueMicrotask(() => receiver(item));
  }

  injectFrame(agent: AgentId, frame: string): void {
    this.mailbox(checkAgent(agent, 'agent')).push({ item: String(frame), attempt: 0 });
  }

  publishFrame(channel: TransportChannel, frame: string): void {
    const checked: TransportChannel =
      channel.kind === 'topic'
        ? { kind: 'topic', topic: checkTopic(channel.topic, 'topic') }
        : channel;
    this.publish(checked, String(frame));
  }
}

/** The key of a channel in {@link NetworkState.channels}. */
export function channelKey(channel: TransportChannel): string {
  return channel.kind === 'topic' ? `topic:${channel.topic}` : 'broadcast';
}

/**
 * A new, empty in-process network.
 *
 * @example
 * ```ts
 * const network = inProcessNetwork();
 * const a = inProcessMesh({ network });
 * const b = inProcessMesh({ network }); // a second node on the same network
 * ```
 */
export function inProcessNetwork(options: InProcessNetworkOptions = {}): InProcessNetwork {
  rejectUnknownOptions('inProcessNetwork', options, IN_PROCESS_NETWORK_OPTIONS);
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw new ValidationError('invalid_options', 'inProcessNetwork: now must be a function.', {
      data: { option: 'now' },
    });
  }
  return new NetworkState(now);
}

/** The state behind a network made by {@link inProcessNetwork}. */
export function networkState(network: InProcessNetwork): NetworkState {
  if (!(network instanceof NetworkState)) {
    throw new ValidationError(
      'invalid_options',
      'inProcessMesh: network must come from inProcessNetwork().',
      { data: { option: 'network' } },
    );
  }
  return network;
}
