import type {
  AddressedMessage,
  AgentId,
  DeadLetter,
  DeliveryFailure,
  InvalidFrame,
  MessageLimits,
  TransportDelivery,
} from 'skreaver';
import type { AckQueue } from './_acks.js';
import type { RedisDeadLetterStore } from './_dead-letters.js';
import { readMailboxEntry } from './_frames.js';
import type { Client } from './_settings.js';

/** What a delivery needs from the consumer that made it. */
export interface DeliveryOwner {
  readonly agent: AgentId;
  readonly key: string;
  readonly failures: string;
  readonly visibilityTimeoutMs: number;
  readonly acks: AckQueue;
  readonly host: {
    readonly client: Client;
    readonly group: string;
    readonly deadLetters: RedisDeadLetterStore;
    readonly limits: MessageLimits | undefined;
    fail(error: unknown, operation: string): unknown;
  };
  /**
   * The delivery settled; `claimableAt` is set for a nack. Returns whether
   * the reader is about to read (and will carry the queued acks).
   */
  release(id: string, claimableAt?: number): boolean;
}

/** One delivery of a stream entry. */
export class StreamDelivery implements TransportDelivery {
  settled = false;
  /** Whether the failures hash holds an entry for it (a nack happened). */
  readonly hasFailureRecord: boolean;
  readonly message?: AddressedMessage;
  readonly invalid?: InvalidFrame;
  readonly lastError?: DeliveryFailure;

  constructor(
    private readonly consumer: DeliveryOwner,
    readonly id: string,
    fields: string[],
    readonly attempt: number,
    lastError: string,
    readonly startedAt: number,
  ) {
    const read = readMailboxEntry(fields, consumer.agent, consumer.host.limits);
    if (read.message !== undefined) {
      this.message = attempt === read.message.attempt ? read.message : { ...read.message, attempt };
    } else this.invalid = read.invalid;
    this.hasFailureRecord = lastError !== '';
    const failure = parseFailure(lastError);
    if (failure !== undefined) this.lastError = failure;
  }

  ack(): Promise<void> {
    if (this.settled) return Promise.resolve();
    this.settled = true;
    const reading = this.consumer.release(this.id);
    return this.consumer.acks.push(this.id, this.hasFailureRecord, reading);
  }

  async nack(error: DeliveryFailure): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    // The entry stays pending: Redis counts its idle time from this
    // delivery, and the reclaim after the visibility timeout takes it back.
    this.consumer.release(this.id, this.startedAt + this.consumer.visibilityTimeoutMs);
    const { host } = this.consumer;
    try {
      await host.client.hset(this.consumer.failures, this.id, JSON.stringify(error));
    } catch (e) {
      throw host.fail(e, 'nack');
    }
  }

  async deadLetter(entry: DeadLetter, maxEntries: number): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    const { consumer } = this;
    try {
      await consumer.host.deadLetters.move(
        entry,
        maxEntries,
        { key: consumer.key, failures: consumer.failures, group: consumer.host.group },
        this.id,
      );
    } finally {
      // Freed only now, so dead letters of one mailbox are stored in order.
      consumer.release(this.id);
    }
  }
}

function parseFailure(json: string): DeliveryFailure | undefined {
  if (json === '') return undefined;
  try {
    const parsed = JSON.parse(json) as { code?: unknown; message?: unknown };
    if (typeof parsed?.message !== 'string') return undefined;
    return typeof parsed.code === 'string'
      ? { code: parsed.code, message: parsed.message }
      : { message: parsed.message };
  } catch {
    return undefined;
  }
}
