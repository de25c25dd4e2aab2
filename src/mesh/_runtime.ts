import { MeshError } from '../errors/families.js';
import { isSkreaverError } from '../errors/skreaver-error.js';
import type { AgentId } from '../identifiers/identifiers.js';
import type { MeshEvents } from './_events.js';
import type { ResolvedMeshOptions } from './_resolve-options.js';
import type { TimerSet } from './_timers.js';
import type { BackpressureLevel } from './backpressure.js';
import type { DeadLetter, DeliveryFailure } from './dead-letter.js';
import type { AddressedMessage, MeshMessage } from './message.js';
import type { MeshTransport } from './transport.js';

/** What the parts of a mesh share. */
export interface MeshRuntime {
  readonly nodeId: string;
  readonly options: ResolvedMeshOptions;
  readonly transport: MeshTransport;
  readonly events: MeshEvents;
  readonly timers: TimerSet;
  /** Throws `mesh_closed` once closing began. */
  assertOpen(): void;
  isClosed(): boolean;
  /** Whether `agent` is joined on this node. */
  isJoined(agent: AgentId): boolean;
  /** Enqueues with backpressure (unless `bypass`); see `_sender.ts`. */
  enqueue(message: AddressedMessage, bypass: boolean): Promise<void>;
  /** Records an observed mailbox depth; returns its level. */
  observeDepth(agent: AgentId, depth: number): BackpressureLevel;
  /** Reports a dead letter this node created. */
  reportDeadLetter(entry: DeadLetter): void;
  /** Whether a message's TTL has run out. */
  isExpired(message: MeshMessage): boolean;
}

/** A failure in serializable form. */
export function toFailure(error: unknown): DeliveryFailure {
  if (isSkreaverError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { message: `${error.name}: ${error.message}` };
  return { message: String(error) };
}

/** The error a delivery fails with when its handler outlives the visibility timeout. */
export function handlerTimeout(timeoutMs: number): MeshError {
  return new MeshError(
    'mesh_timeout',
    `The handler did not finish within the visibility timeout of ${timeoutMs} ms; the message will be redelivered.`,
    { data: { reason: 'handler_timeout', timeoutMs } },
  );
}
