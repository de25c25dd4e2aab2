import type { MeshError } from '../errors/families.js';
import type { AgentId, TopicName } from '../identifiers/identifiers.js';
import type { BackpressureLevel } from './backpressure.js';
import type { DeadLetter, DeadLetterQueue, DeliveryFailure } from './dead-letter.js';
import type {
  AddressedDraft,
  AddressedMessage,
  MeshMessage,
  MessageDraft,
  MessageHeaders,
  MessagePayload,
  TopicMessage,
} from './message.js';

/** What a handler gets besides the message. */
export interface DeliveryContext {
  /** The agent the message was delivered to; absent for topic subscriptions. */
  readonly agent: AgentId | undefined;
  /** Which delivery this is, from 1. */
  readonly attempt: number;
  /**
   * Aborts when the delivery's visibility timeout passes (the message will
   * be redelivered) or the mesh closes. Long handlers should watch it.
   */
  readonly signal: AbortSignal;
  /**
   * Answers a `request`: sends a `reply` to its sender with the request's
   * id as correlation id. Replies skip backpressure.
   * @throws `MeshError` `message_invalid` (reason `not_a_request`) for other kinds.
   */
  reply(payload: MessagePayload, options?: ReplyOptions): Promise<string>;
}

/** Options of {@link DeliveryContext.reply}. */
export interface ReplyOptions {
  /** Headers of the reply. @defaultValue `{}` */
  readonly headers?: MessageHeaders;
}

/**
 * Handles a delivered message. Returning (or resolving) acknowledges an
 * addressed message; throwing, rejecting or running past the visibility
 * timeout gets it redelivered, up to `maxDeliveries`, then dead-lettered.
 * For topics and broadcasts a failure is reported and the message dropped.
 */
export type MessageHandler<M extends MeshMessage = MeshMessage> = (
  message: M,
  ctx: DeliveryContext,
) => void | Promise<void>;

/** Options of {@link Mesh.join}. */
export interface JoinOptions {
  /**
   * Messages of this agent's mailbox handled at once. Above 1 the mailbox is
   * no longer handled in order.
   * @defaultValue 1
   */
  readonly concurrency?: number;
}

/** An agent's place on the mesh; see {@link Mesh.join}. */
export interface Membership {
  /** The joined agent. */
  readonly agent: AgentId;
  /** Same as `mesh.leave(agent)`. */
  leave(): Promise<void>;
}

/** A topic subscription; see {@link Mesh.subscribe}. */
export interface Subscription {
  /** The topic. */
  readonly topic: TopicName;
  /** Same as `mesh.unsubscribe(subscription)`. */
  unsubscribe(): Promise<void>;
}

/** Options of {@link Mesh.request}. */
export interface RequestOptions {
  /** How long to wait for the reply, in milliseconds. @defaultValue the mesh's `requestTimeoutMs` */
  readonly timeoutMs?: number;
  /** Gives up early: the request rejects with `mesh_timeout` (data.reason `aborted`). */
  readonly signal?: AbortSignal;
}

/** A request draft: a sender is required, since the reply comes back to it. */
export interface RequestDraft extends AddressedDraft {
  /** The requesting agent; it must be joined on this mesh. */
  readonly from: AgentId;
}

/** A mailbox's fill state; see {@link Mesh.queueDepth}. */
export interface QueueDepth {
  /** Messages queued, in flight or awaiting redelivery. */
  readonly depth: number;
  /** The backpressure level of that depth. */
  readonly level: BackpressureLevel;
}

/** Events a mesh emits; see {@link Mesh.on}. */
export type MeshEvent =
  | {
      /** A mailbox this node sends to or reads changed backpressure level. */
      readonly type: 'backpressure';
      readonly agent: AgentId;
      readonly level: BackpressureLevel;
      readonly previous: BackpressureLevel;
      readonly depth: number;
    }
  | {
      /** A handler failed on an addressed message. */
      readonly type: 'delivery_failed';
      readonly agent: AgentId;
      readonly message: AddressedMessage;
      readonly error: DeliveryFailure;
      /** Whether it will be redelivered (false: it was dead-lettered). */
      readonly willRetry: boolean;
    }
  | {
      /** A message was dead-lettered (by this node). */
      readonly type: 'dead_letter';
      readonly entry: DeadLetter;
    }
  | {
      /** A message was dropped without dead-lettering. */
      readonly type: 'message_dropped';
      /** `late_reply`: no request waits for it; `handler_failed`: a topic or broadcast handler failed; `expired`: a fan-out message past its TTL. */
      readonly reason: 'late_reply' | 'handler_failed' | 'expired';
      readonly message: MeshMessage;
      readonly error?: DeliveryFailure;
    }
  | {
      /** A frame did not decode (mailbox frames are also dead-lettered). */
      readonly type: 'message_invalid';
      /** Where it came from; `reply`: a reply sent straight to this node. */
      readonly source: 'mailbox' | 'topic' | 'broadcast' | 'reply';
      readonly agent?: AgentId;
      readonly topic?: TopicName;
      readonly error: MeshError;
    };

/** The type names of {@link MeshEvent}. */
export type MeshEventType = MeshEvent['type'];

/** The event of type `T`. */
export type MeshEventOf<T extends MeshEventType> = Extract<MeshEvent, { readonly type: T }>;

/**
 * The agent mesh: agents on any number of nodes (processes) exchange
 * messages through a transport.
 *
 * - Addressed messages (`send`, `request`, replies) go to a mailbox and are
 *   delivered **at least once**: a handler that throws or outlives the
 *   visibility timeout gets the message again, and after `maxDeliveries`
 *   it is dead-lettered with the last error.
 * - Topic messages (`publish`) and broadcasts are **at-most-once** fan-out
 *   to whoever listens at that moment.
 *
 * Every method is async and rejects (never throws synchronously) with a
 * `MeshError` (`message_invalid`, `message_too_large`, `backpressure`,
 * `mesh_timeout`, `mesh_unavailable`, `mesh_closed`, ...).
 * See docs/mesh.md.
 */
export interface Mesh {
  /** This node's random id (owner of its agents' presence). */
  readonly nodeId: string;
  /** The dead-letter queue (shared by every node of the transport). */
  readonly deadLetters: DeadLetterQueue;
  /**
   * Joins `agent` to the mesh on this node: claims its presence (kept alive
   * by heartbeats), consumes its mailbox with `handler`, and delivers
   * broadcasts to it.
   * @throws `ValidationError` `invalid_input` when the agent is already
   *   joined here or present on another node.
   */
  join(agent: AgentId, handler: MessageHandler, options?: JoinOptions): Promise<Membership>;
  /** Stops the agent's consumer and releases its presence; a no-op when not joined. */
  leave(agent: AgentId): Promise<void>;
  /** Whether `agent` is joined on this node. */
  isJoined(agent: AgentId): boolean;
  /** Puts a message in `message.to`'s mailbox; resolves with its id once queued. */
  send(message: AddressedDraft): Promise<string>;
  /**
   * Sends a request and resolves with the reply (correlation id = request
   * id). A reply arriving after the timeout is dropped.
   * @throws `MeshError` `mesh_timeout`; `delivery_failed` when the handler
   *   answered with `replyError`; `message_invalid` when `from` is not joined here.
   */
  request(message: RequestDraft, options?: RequestOptions): Promise<AddressedMessage>;
  /** Publishes to every current subscriber of `topic` on every node; resolves with the id. */
  publish(topic: TopicName, message: MessageDraft): Promise<string>;
  /** Subscribes on this node; resolves once later publications will arrive. */
  subscribe(topic: TopicName, handler: MessageHandler<TopicMessage>): Promise<Subscription>;
  /** Ends a subscription; idempotent. */
  unsubscribe(subscription: Subscription): Promise<void>;
  /** Delivers to every joined agent on every node except the sender; resolves with the id. */
  broadcast(message: MessageDraft): Promise<string>;
  /** Whether `agent` is present (joined somewhere, heartbeats fresh). */
  isReachable(agent: AgentId): Promise<boolean>;
  /** Every present agent, sorted. */
  listAgents(): Promise<AgentId[]>;
  /** The depth and backpressure level of `agent`'s mailbox. */
  queueDepth(agent: AgentId): Promise<QueueDepth>;
  /** Listens to events of one type; returns an unsubscribe function. */
  on<T extends MeshEventType>(type: T, listener: (event: MeshEventOf<T>) => void): () => void;
  /**
   * Leaves every agent, ends every subscription, rejects pending requests
   * with `mesh_closed`, clears every timer and closes the transport.
   * Idempotent; later calls reject with `mesh_closed`.
   */
  close(): Promise<void>;
}
