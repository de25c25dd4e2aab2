import type { AgentId } from '../identifiers/identifiers.js';
import type { Logger } from '../observability/logger.js';
import type { BackpressureLevel, BackpressureOptions } from './backpressure.js';
import type { DeadLetterReason } from './dead-letter.js';
import type { MessageLimits } from './limits.js';
import type { MessageKind } from './message.js';
import type { MeshTransport } from './transport.js';

/** Time and timers, injectable so tests can run on a fake clock. */
export interface MeshClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Schedules `fn`; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a scheduled call. */
  clearTimeout(handle: unknown): void;
}

/** The system clock and global timers. */
export const systemClock: MeshClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/**
 * Mesh metrics, as domain events. Every method is optional, and the names
 * are prefixed so one object can implement this and `MetricsRecorder`.
 * Implementations must not throw and must not block.
 */
export interface MeshMetricsRecorder {
  /** A message was accepted by the transport. */
  meshMessageSent?(metric: { readonly kind: MessageKind }): void;
  /** A handler finished with a message. */
  meshMessageHandled?(metric: {
    readonly kind: MessageKind;
    readonly ok: boolean;
    readonly attempt: number;
    readonly durationMs: number;
  }): void;
  /** A mailbox depth was observed (on every send and every `queueDepth`). */
  meshQueueDepth?(metric: {
    readonly agent: AgentId;
    readonly depth: number;
    readonly level: BackpressureLevel;
  }): void;
  /** A message was dead-lettered. */
  meshDeadLettered?(metric: { readonly reason: DeadLetterReason }): void;
  /** A message was dropped (late reply, failed fan-out handler, expired fan-out). */
  meshMessageDropped?(metric: { readonly reason: string }): void;
}

/** Options of the mesh itself, whatever the transport. */
export interface MeshOptions {
  /**
   * How long a handler may run before its delivery counts as failed and the
   * message is redelivered; also the delay before a failed message comes back.
   * @defaultValue 30000
   */
  readonly visibilityTimeoutMs?: number;
  /**
   * Deliveries of one addressed message before it is dead-lettered.
   * @defaultValue 5
   */
  readonly maxDeliveries?: number;
  /**
   * Default reply timeout of `request`, in milliseconds.
   * @defaultValue 30000
   */
  readonly requestTimeoutMs?: number;
  /**
   * Requests waiting for a reply on this node; more reject with `backpressure`.
   * @defaultValue 1000
   */
  readonly maxPendingRequests?: number;
  /**
   * How long a joined agent stays present without a heartbeat, in milliseconds.
   * @defaultValue 30000
   */
  readonly presenceTtlMs?: number;
  /**
   * How often presence is refreshed, in milliseconds.
   * @defaultValue presenceTtlMs / 3
   */
  readonly heartbeatIntervalMs?: number;
  /** Mailbox depth thresholds and the sender's behaviour at the critical level. */
  readonly backpressure?: BackpressureOptions;
  /**
   * How long a dead letter is kept, in milliseconds.
   * @defaultValue 86400000 (24 h)
   */
  readonly deadLetterTtlMs?: number;
  /**
   * Most dead letters kept; past it the oldest are dropped.
   * @defaultValue 10000
   */
  readonly maxDeadLetters?: number;
  /** Payload and header limits, checked on send and on receipt. */
  readonly limits?: MessageLimits;
  /**
   * Time and timers.
   * @defaultValue `systemClock`
   */
  readonly clock?: MeshClock;
  /**
   * Where handler failures and heartbeat problems are logged.
   * @defaultValue `noopLogger`
   */
  readonly logger?: Logger;
  /**
   * Where mesh metrics go.
   * @defaultValue none
   */
  readonly metrics?: MeshMetricsRecorder;
}

/** Options of `createMesh`. */
export interface CreateMeshOptions extends MeshOptions {
  /** The transport that moves and stores messages. */
  readonly transport: MeshTransport;
  /**
   * Whether `close()` also closes the transport.
   * @defaultValue true
   */
  readonly closeTransport?: boolean;
}
