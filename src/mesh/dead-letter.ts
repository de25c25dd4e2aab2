import type { AgentId } from '../identifiers/identifiers.js';
import type { AddressedMessage } from './message.js';

/** Why a message was dead-lettered. */
export type DeadLetterReason =
  /** Its handler failed (threw or timed out) on every one of `maxDeliveries` attempts. */
  | 'max_deliveries'
  /** Its TTL ran out before it was handled. */
  | 'expired'
  /** The frame in the mailbox could not be decoded (malformed JSON, unknown version, missing fields, too large). */
  | 'invalid'
  /** A pipeline stage failed on it (`stage` names the stage). */
  | 'stage_failed';

/** A failure, in a form that survives serialization. */
export interface DeliveryFailure {
  /** The skreaver error code, when the failure was a skreaver error. */
  readonly code?: string;
  /** What went wrong. */
  readonly message: string;
}

/** One dead-lettered message. */
export interface DeadLetter {
  /** The entry's id: the message id, or a new UUID for a frame that did not decode. */
  readonly id: string;
  /** The message, when it decoded. */
  readonly message?: AddressedMessage;
  /** The undecodable frame, for reason `invalid` (cut to the frame limit). */
  readonly raw?: string;
  /** The mailbox it was taken from, where a redrive puts it back. */
  readonly agent: AgentId;
  /** Why it is here. */
  readonly reason: DeadLetterReason;
  /** The last failure. */
  readonly error: DeliveryFailure;
  /** How many deliveries were tried. */
  readonly attempts: number;
  /** The pipeline stage that failed, for reason `stage_failed`. */
  readonly stage?: string;
  /** When it was dead-lettered, in epoch milliseconds. */
  readonly deadLetteredAt: number;
  /** When it is dropped from the queue, in epoch milliseconds. */
  readonly expiresAt: number;
}

/** What a caller (a pattern) supplies to dead-letter a message by hand. */
export interface DeadLetterInput {
  /** The message. */
  readonly message: AddressedMessage;
  /** The mailbox a redrive should put it in. */
  readonly agent: AgentId;
  /** Why. */
  readonly reason: DeadLetterReason;
  /** The failure. */
  readonly error: DeliveryFailure;
  /** Deliveries tried. @defaultValue the message's attempt */
  readonly attempts?: number;
  /** The pipeline stage, for `stage_failed`. */
  readonly stage?: string;
}

/** Filters of {@link DeadLetterQueue.list}. */
export interface DeadLetterListOptions {
  /** Only entries taken from this mailbox. */
  readonly agent?: AgentId;
  /** At most this many, oldest first. @defaultValue 100 */
  readonly limit?: number;
}

/**
 * The dead-letter queue of a mesh: messages that could not be delivered,
 * with the reason and the last error. Entries expire after the mesh's
 * `deadLetterTtlMs`; past `maxDeadLetters` the oldest are dropped.
 */
export interface DeadLetterQueue {
  /** Entries, oldest first. */
  list(options?: DeadLetterListOptions): Promise<DeadLetter[]>;
  /**
   * One entry.
   * @throws `MeshError` `dead_letter_not_found`.
   */
  get(id: string): Promise<DeadLetter>;
  /** Number of entries. */
  size(): Promise<number>;
  /** Dead-letters a message by hand (patterns use this); returns the entry. */
  add(input: DeadLetterInput): Promise<DeadLetter>;
  /**
   * Puts an entry's message back in its mailbox as a fresh delivery
   * (attempt 1, same id) and removes the entry.
   * @throws `MeshError` `dead_letter_not_found`, or `message_invalid`
   *   (reason `not_redrivable`) for an entry without a decoded message.
   */
  redrive(id: string): Promise<void>;
  /** Redrives every redrivable entry (optionally of one mailbox); returns how many. */
  redriveAll(options?: { readonly agent?: AgentId }): Promise<number>;
  /**
   * Removes one entry.
   * @throws `MeshError` `dead_letter_not_found`.
   */
  remove(id: string): Promise<void>;
  /** Removes every entry (optionally of one mailbox); returns how many. */
  purge(options?: { readonly agent?: AgentId }): Promise<number>;
}

/**
 * Where a transport keeps dead letters. The mesh computes `expiresAt` and
 * passes the size cap; the store drops expired entries (lazily is fine) and
 * evicts the oldest past the cap.
 */
export interface DeadLetterStore {
  /** Adds or replaces (same id) an entry, then evicts the oldest past `maxEntries`. */
  add(entry: DeadLetter, maxEntries: number): Promise<void>;
  /** Unexpired entries, oldest first, filtered. */
  list(options: { readonly agent?: AgentId; readonly limit: number }): Promise<DeadLetter[]>;
  /** An unexpired entry, or undefined. */
  get(id: string): Promise<DeadLetter | undefined>;
  /** Removes an entry; false when there was none. */
  remove(id: string): Promise<boolean>;
  /** Removes entries (of one mailbox, or all); returns how many. */
  purge(agent?: AgentId): Promise<number>;
  /** Number of unexpired entries. */
  size(): Promise<number>;
}
