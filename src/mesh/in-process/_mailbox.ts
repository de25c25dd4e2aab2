import type { AgentId } from '../../identifiers/identifiers.js';
import type { DeadLetter, DeadLetterStore, DeliveryFailure } from '../dead-letter.js';
import type { AddressedMessage } from '../message.js';
import type { MeshClock } from '../options.js';
import type {
  ConsumeOptions,
  InvalidFrame,
  TransportConsumer,
  TransportDelivery,
} from '../transport.js';

/** A mailbox entry: a message object, or a frame when the sender serialized. */
export interface MailboxEntry {
  readonly item: AddressedMessage | string;
  /** Deliveries so far. */
  attempt: number;
  lastError?: DeliveryFailure;
}

/** Turns a stored entry into what the consumer gets. */
export type EntryReader = (
  entry: MailboxEntry,
  attempt: number,
) =>
  | { message: AddressedMessage; invalid?: undefined }
  | { message?: undefined; invalid: InvalidFrame };

/** One agent's queue: an array with a moving head, so taking from the front is O(1). */
export class Mailbox {
  private items: (MailboxEntry | undefined)[] = [];
  private head = 0;
  inFlight = 0;
  waiting = 0;
  consumer: InProcessConsumer | undefined;

  depth(): number {
    return this.items.length - this.head + this.inFlight + this.waiting;
  }

  push(entry: MailboxEntry): void {
    this.items.push(entry);
    this.consumer?.wake();
  }

  pushFront(entry: MailboxEntry): void {
    if (this.head > 0) this.items[--this.head] = entry;
    else this.items.unshift(entry);
    this.consumer?.wake();
  }

  shift(): MailboxEntry | undefined {
    if (this.head >= this.items.length) return undefined;
    const entry = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return entry;
  }
}

class InProcessDelivery implements TransportDelivery {
  settled = false;
  readonly message?: AddressedMessage;
  readonly invalid?: InvalidFrame;
  readonly lastError?: DeliveryFailure;

  constructor(
    private readonly consumer: InProcessConsumer,
    readonly entry: MailboxEntry,
    readonly attempt: number,
    readonly startedAt: number,
  ) {
    const read = consumer.read(entry, attempt);
    if (read.message !== undefined) this.message = read.message;
    else this.invalid = read.invalid;
    if (entry.lastError !== undefined) this.lastError = entry.lastError;
  }

  async ack(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    this.consumer.settle(this);
  }

  async nack(error: DeliveryFailure): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    this.entry.lastError = error;
    this.consumer.settle(this);
    this.consumer.redeliverLater(this.entry, this.startedAt);
  }

  async deadLetter(entry: DeadLetter, maxEntries: number): Promise<void> {
    if (this.settled) return;
    await this.consumer.deadLetters.add(entry, maxEntries);
    await this.ack();
  }
}

/** Delivers a mailbox to one consumer, at most `prefetch` unsettled at a time. */
export class InProcessConsumer implements TransportConsumer {
  private readonly active = new Set<InProcessDelivery>();
  private readonly scheduled = new Map<MailboxEntry, unknown>();
  private pumpQueued = false;
  private closed = false;
  private readonly pumpNow = (): void => this.pump();

  constructor(
    readonly agent: AgentId,
    private readonly mailbox: Mailbox,
    private readonly options: ConsumeOptions,
    readonly read: EntryReader,
    readonly deadLetters: DeadLetterStore,
    private readonly clock: MeshClock,
  ) {}

  wake(): void {
    if (this.pumpQueued || this.closed) return;
    this.pumpQueued = true;
    // Deliveries start on a microtask, never inside the sender's call.
    queueMicrotask(this.pumpNow);
  }

  private pump(): void {
    this.pumpQueued = false;
    while (!this.closed && this.active.size < this.options.prefetch) {
      const entry = this.mailbox.shift();
      if (entry === undefined) return;
      entry.attempt++;
      this.mailbox.inFlight++;
      const delivery = new InProcessDelivery(this, entry, entry.attempt, this.clock.now());
      this.active.add(delivery);
      this.options.deliver(delivery);
    }
  }

  settle(delivery: InProcessDelivery): void {
    if (!this.active.delete(delivery)) return;
    this.mailbox.inFlight--;
    this.wake();
  }

  /** Puts a nacked entry back once the visibility timeout from its delivery has passed. */
  redeliverLater(entry: MailboxEntry, startedAt: number): void {
    if (this.closed) {
      this.mailbox.pushFront(entry);
      return;
    }
    this.mailbox.waiting++;
    const delay = Math.max(0, startedAt + this.options.visibilityTimeoutMs - this.clock.now());
    const handle = this.clock.setTimeout(() => {
      if (!this.scheduled.delete(entry)) return;
      this.mailbox.waiting--;
      this.mailbox.pushFront(entry);
    }, delay);
    this.scheduled.set(entry, handle);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.mailbox.consumer === this) this.mailbox.consumer = undefined;
    // Unsettled and waiting entries go back to the front for the next consumer.
    const back: MailboxEntry[] = [];
    for (const delivery of this.active) {
      delivery.settled = true;
      this.mailbox.inFlight--;
      back.push(delivery.entry);
    }
    this.active.clear();
    for (const [entry, handle] of this.scheduled) {
      this.clock.clearTimeout(handle);
      this.mailbox.waiting--;
      back.push(entry);
    }
    this.scheduled.clear();
    for (let i = back.length - 1; i >= 0; i--) this.mailbox.pushFront(back[i] as MailboxEntry);
  }
}
