import type { AgentId } from '../identifiers/identifiers.js';

/** How full a mailbox is: below `warningDepth`, below `criticalDepth`, or at/above it. */
export type BackpressureLevel = 'normal' | 'warning' | 'critical';

/** What a sender does when the recipient's mailbox is at the critical level. */
export type BackpressureMode = 'reject' | 'wait';

/** Mailbox depth thresholds and what senders do at the critical level. */
export interface BackpressureOptions {
  /**
   * Depth (messages queued or in flight) at which a mailbox is at `warning`.
   * @defaultValue 1000
   */
  readonly warningDepth?: number;
  /**
   * Depth at which a mailbox is `critical`: sends to it are refused or wait.
   * `Infinity` turns refusal off (levels are still reported).
   * @defaultValue 5000
   */
  readonly criticalDepth?: number;
  /**
   * `reject`: a send to a critical mailbox rejects at once with
   * `backpressure`. `wait`: it retries until the mailbox drains below the
   * critical depth or `maxWaitMs` passes, then rejects with `backpressure`.
   * @defaultValue 'reject'
   */
  readonly mode?: BackpressureMode;
  /**
   * Longest a send waits in `wait` mode, in milliseconds.
   * @defaultValue 5000
   */
  readonly maxWaitMs?: number;
  /**
   * How often a waiting send retries, in milliseconds.
   * @defaultValue 25
   */
  readonly pollIntervalMs?: number;
}

/** The `data` of a `backpressure` error. */
export interface BackpressureErrorData {
  /** The mailbox that is full, or absent for the pending-request limit. */
  readonly agent?: AgentId;
  /** Its depth when last checked. */
  readonly depth: number;
  /** The limit that was hit. */
  readonly limit: number;
  /** How long the send waited, in milliseconds (0 in `reject` mode). */
  readonly waitedMs: number;
}

/** The level of a mailbox of `depth` messages. */
export function backpressureLevel(
  depth: number,
  thresholds: { readonly warningDepth: number; readonly criticalDepth: number },
): BackpressureLevel {
  if (depth >= thresholds.criticalDepth) return 'critical';
  return depth >= thresholds.warningDepth ? 'warning' : 'normal';
}
