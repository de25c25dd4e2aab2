import type { MeshError } from '../errors/families.js';
import type { AgentId, TopicName } from '../identifiers/identifiers.js';
import type { DeadLetter, DeadLetterStore, DeliveryFailure } from './dead-letter.js';
import type { AddressedMessage, BroadcastMessage, TopicMessage } from './message.js';

/*
 * The transport SPI: what a transport (in-process, Redis Streams, ...) must
 * provide so that `createMesh` can build the whole `Mesh` contract on it.
 * Validation, handler timeouts, redelivery limits, dead-lettering decisions,
 * request/reply, backpressure levels, presence heartbeats, events and
 * metrics live in `createMesh`, written once; a transport only moves and
 * stores messages. docs/mesh.md has the implementer's checklist.
 */

/** The result of {@link MeshTransport.enqueue}. */
export interface EnqueueResult {
  /** False when the mailbox already held `maxDepth` or more messages; nothing was added. */
  readonly accepted: boolean;
  /** The mailbox depth after the call (queued, in flight and awaiting redelivery). */
  readonly depth: number;
}

/** A frame that arrived but did not decode. */
export interface InvalidFrame {
  /** The frame as received (a transport may cut it to a reasonable length). */
  readonly raw: string;
  /** Why it did not decode (`message_invalid` or `message_too_large`). */
  readonly error: MeshError;
}

/** One delivery of a mailbox entry to the consumer. Exactly one of `message` and `invalid` is set. */
export interface TransportDelivery {
  /** The decoded message, with `attempt` set to this delivery's number. */
  readonly message?: AddressedMessage;
  /** The frame, when it did not decode. */
  readonly invalid?: InvalidFrame;
  /** Which delivery this is, from 1. */
  readonly attempt: number;
  /** The failure passed to the last `nack`, when there was one. */
  readonly lastError?: DeliveryFailure;
  /** Removes the entry from the mailbox for good. */
  ack(): Promise<void>;
  /**
   * Records the failure; the entry becomes visible again (and is delivered
   * with `attempt + 1`) once `visibilityTimeoutMs` has passed since this
   * delivery began.
   */
  nack(error: DeliveryFailure): Promise<void>;
  /** Moves the entry to the dead-letter store (add, then ack) as one step where possible. */
  deadLetter(entry: DeadLetter, maxEntries: number): Promise<void>;
}

/** Options of {@link MeshTransport.consume}. */
export interface ConsumeOptions {
  /**
   * An entry delivered but neither acked nor nacked within this many
   * milliseconds (its consumer died or hung) is delivered again.
   */
  readonly visibilityTimeoutMs: number;
  /** Most entries delivered and not yet acked or nacked at once. */
  readonly prefetch: number;
  /** Called once per delivery; must not throw. */
  readonly deliver: (delivery: TransportDelivery) => void;
}

/** A running mailbox consumer. */
export interface TransportConsumer {
  /**
   * Stops delivering. Entries delivered but not settled become visible to
   * the next consumer; so do nacked entries waiting for redelivery.
   */
  close(): Promise<void>;
}

/** A fan-out channel: one topic, or the broadcast channel. */
export type TransportChannel =
  | { readonly kind: 'topic'; readonly topic: TopicName }
  | { readonly kind: 'broadcast' };

/** Receives what a channel carries; exactly one argument is set. Must not throw. */
export type ChannelListener = (
  message: TopicMessage | BroadcastMessage | undefined,
  invalid?: InvalidFrame,
) => void;

/**
 * Receives the replies sent straight to this node; exactly one argument is
 * set. Must not throw.
 */
export type ReplyListener = (message: AddressedMessage | undefined, invalid?: InvalidFrame) => void;

/** An active channel subscription. */
export interface TransportSubscription {
  /** Stops the listener; idempotent. */
  close(): Promise<void>;
}

/** Who is online: per-agent entries with an owner (a mesh node) and an expiry. */
export interface PresenceStore {
  /**
   * Marks `agent` present for `ttlMs`, owned by `owner`. Refuses (false) when
   * another owner holds an unexpired entry; refreshes when `owner` holds it.
   */
  claim(agent: AgentId, owner: string, ttlMs: number): Promise<boolean>;
  /** Removes the entry if `owner` holds it. */
  release(agent: AgentId, owner: string): Promise<void>;
  /** Whether `agent` has an unexpired entry. */
  isPresent(agent: AgentId): Promise<boolean>;
  /** Every agent with an unexpired entry, in any order. */
  list(): Promise<AgentId[]>;
}

/**
 * What a transport provides. Every method may reject with `mesh_unavailable`
 * when the backing service cannot be reached.
 */
export interface MeshTransport {
  /** A short name for logs and errors ("in-process", "redis"). */
  readonly name: string;
  /**
   * Appends a message to the mailbox of `message.to`, unless the mailbox
   * already holds `maxDepth` or more (`Infinity`: never refuse).
   */
  enqueue(message: AddressedMessage, maxDepth: number): Promise<EnqueueResult>;
  /** Messages in the mailbox: queued, in flight, and awaiting redelivery. */
  depth(agent: AgentId): Promise<number>;
  /** Starts delivering the mailbox of `agent`; at most one consumer per agent per node. */
  consume(agent: AgentId, options: ConsumeOptions): Promise<TransportConsumer>;
  /** Sends a message to every current listener of the channel (at-most-once). */
  publish(channel: TransportChannel, message: TopicMessage | BroadcastMessage): Promise<void>;
  /** Listens to a channel; resolves once messages published afterwards will arrive. */
  subscribe(channel: TransportChannel, listener: ChannelListener): Promise<TransportSubscription>;
  /**
   * Optional, together with `listenReplies`: the fast lane for replies.
   * Sends `reply` straight to the node `node` (a mesh's `nodeId`) instead of
   * through the requester's mailbox, **at most once**: it is not stored, not
   * acknowledged and not redelivered, and nothing waits behind the
   * requester's mailbox. Resolves once the transport has taken the reply
   * (it may still be lost; the request then ends with `mesh_timeout`).
   * `via` is the agent that answers: a transport may send the reply in the
   * same write as that agent's next acknowledgements. Without these two
   * methods, replies go through the requester's mailbox.
   */
  sendReply?(node: string, reply: AddressedMessage, via: AgentId | undefined): Promise<void>;
  /**
   * Optional, together with `sendReply`: starts passing the replies sent to
   * `node` to `listener`; resolves once replies sent afterwards will arrive.
   * Undecodable frames go to the listener as `(undefined, invalid)`.
   */
  listenReplies?(node: string, listener: ReplyListener): Promise<TransportSubscription>;
  /** Presence entries. */
  readonly presence: PresenceStore;
  /** Dead letters. */
  readonly deadLetters: DeadLetterStore;
  /** Releases the transport's own resources (connections, timers). */
  close(): Promise<void>;
}
