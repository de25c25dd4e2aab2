import type { AgentId, ConsumeOptions, Logger, MessageLimits, TransportConsumer } from 'skreaver';
import { AckQueue } from './_acks.js';
import { corked } from './_corked.js';
import type { RedisDeadLetterStore } from './_dead-letters.js';
import { type DeliveryOwner, StreamDelivery } from './_delivery.js';
import { isNoGroup } from './_errors.js';
import { PRUNE, RECLAIM } from './_scripts.js';
import type { Client } from './_settings.js';

/** What a consumer needs from its transport. */
export interface ConsumerHost {
  readonly client: Client;
  readonly group: string;
  /** This node's consumer name in every group. */
  readonly consumerName: string;
  readonly deadLetters: RedisDeadLetterStore;
  readonly limits: MessageLimits | undefined;
  readonly logger: Logger;
  readonly readBatchSize: number;
  readonly blockMs: number;
  readonly reclaimIntervalMs: number | undefined;
  readonly maxReconnectDelayMs: number;
  readonly closeTimeoutMs: number;
  /**
   * How long a read may go unanswered (blockMs plus the command timeout)
   * before the reader's connection is taken for dead and remade.
   */
  readonly readTimeoutMs: number;
  /** A new connection of the reader's own (blocking reads hold it). */
  openReader(): Client;
  fail(error: unknown, operation: string): unknown;
}

/** XCLAIM IDLE for entries a closing consumer gives up: old enough for any visibility timeout. */
const ABANDONED_IDLE_MS = 1e12;

type StreamEntry = [id: string, fields: string[]];

/** What XREADGROUP answers: entries by stream, or null when the block ran out. */
type ReadReply = [string, StreamEntry[]][] | null;

/**
 * Consumes one mailbox stream for one joined agent: a loop that first takes
 * back entries pending longer than the visibility timeout (XAUTOCLAIM: its
 * own nacked entries, and those of consumers that died), then blocks in
 * XREADGROUP for new ones, never holding more than `prefetch` unsettled.
 * Connection failures pause the loop and it resumes when Redis is back;
 * nothing acknowledged to a sender is lost, since entries leave the stream
 * only when acked or dead-lettered.
 */
export class MailboxConsumer implements TransportConsumer, DeliveryOwner {
  private readonly active = new Map<string, StreamDelivery>();
  /** When entries this consumer nacked become claimable again. */
  private deadlines: number[] = [];
  private nextSweep = 0;
  private closed = false;
  private closing: Promise<void> | undefined;
  private slotWaiter: (() => void) | undefined;
  private pauseTimer: { handle: ReturnType<typeof setTimeout>; resolve: () => void } | undefined;
  /** Entries read but never delivered because the consumer closed meanwhile. */
  private readonly orphans: string[] = [];
  private readonly reclaimIntervalMs: number;
  private readonly minIdleMs: number;
  private reader: Client | undefined;
  /** When the read in progress was sent (0: none), for the watchdog. */
  private readingSince = 0;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private loop: Promise<void> = Promise.resolve();
  readonly acks: AckQueue;

  constructor(
    readonly host: ConsumerHost,
    readonly agent: AgentId,
    readonly key: string,
    readonly failures: string,
    private readonly options: ConsumeOptions,
  ) {
    // XAUTOCLAIM compares whole milliseconds.
    this.minIdleMs = Math.max(1, Math.ceil(options.visibilityTimeoutMs));
    this.reclaimIntervalMs =
      host.reclaimIntervalMs ?? Math.max(1, Math.ceil(options.visibilityTimeoutMs / 2));
    this.acks = new AckQueue(host.client, key, failures, host.group, (error) =>
      host.fail(error, 'ack'),
    );
  }

  get visibilityTimeoutMs(): number {
    return this.options.visibilityTimeoutMs;
  }

  /** Creates the group if needed and starts the loop; rejects with `mesh_unavailable` when Redis is down. */
  async start(): Promise<void> {
    try {
      await this.ensureGroup();
    } catch (error) {
      throw this.host.fail(error, 'consume');
    }
    const reader = this.host.openReader();
    try {
      await reader.connect();
    } catch (error) {
      reader.disconnect();
      throw this.host.fail(error, 'consume');
    }
    this.reader = reader;
    this.loop = this.run(reader);
    this.watch(reader);
  }

  /**
   * Remakes the reader's connection when a read goes unanswered past
   * `readTimeoutMs`: a connection that went silent (a half-open socket, a
   * Redis that hangs) would otherwise hold the mailbox until TCP gives up,
   * which can take hours. One interval per consumer, checking a timestamp,
   * instead of a timer per command on the hot path. The read is sent again
   * on the new connection.
   */
  private watch(reader: Client): void {
    const { readTimeoutMs, logger } = this.host;
    const check = (): void => {
      const since = this.readingSince;
      if (since === 0 || this.closed || Date.now() - since <= readTimeoutMs) return;
      this.readingSince = Date.now();
      logger.warn('A mesh mailbox reader got no answer from Redis; reconnecting.', {
        ...this.about(),
        waitedMs: readTimeoutMs,
      });
      reader.disconnect(true);
    };
    this.watchdog = setInterval(check, Math.max(10, Math.ceil(readTimeoutMs / 4)));
    // The reader's own connection keeps the process up while it consumes.
    (this.watchdog as { unref?: () => void }).unref?.();
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.host.client.xgroup('CREATE', this.key, this.host.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }

  private free(): number {
    return this.options.prefetch - this.active.size;
  }

  private reclaimDue(now: number): number {
    let due = this.nextSweep;
    for (const deadline of this.deadlines) if (deadline < due) due = deadline;
    return due - now;
  }

  private async run(reader: Client): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        if (this.free() <= 0) {
          await this.slotFreed();
          continue;
        }
        const now = Date.now();
        const wait = this.reclaimDue(now);
        if (wait <= 0) await this.reclaim(now);
        else await this.read(reader, Math.min(this.host.blockMs, Math.ceil(wait)));
        if (failures > 0) this.host.logger.info('A mesh mailbox reader is back.', this.about());
        failures = 0;
      } catch (error) {
        // A failed read is no silent one: the watchdog leaves it to the retries.
        this.readingSince = 0;
        if (this.closed) break;
        if (isNoGroup(error)) {
          // The stream was deleted or Redis restarted without its data.
          await this.ensureGroup().catch(() => undefined);
          continue;
        }
        if (failures++ === 0) {
          this.host.logger.warn('A mesh mailbox reader lost Redis; it retries.', {
            ...this.about(),
            error,
          });
        }
        await this.pause(Math.min(50 * 2 ** Math.min(failures, 10), this.host.maxReconnectDelayMs));
      }
    }
  }

  private about(): Record<string, unknown> {
    return { agent: this.agent, mailbox: this.key };
  }

  private async read(reader: Client, blockMs: number): Promise<void> {
    this.readingSince = Date.now();
    const reply = await this.send(reader, blockMs);
    this.readingSince = 0;
    const entries = reply?.[0]?.[1];
    if (entries === undefined) {
      // Nothing came within blockMs: a good time for the XACKs that wait.
      this.acks.idle();
      return;
    }
    for (const [id, fields] of entries) this.deliver(id, fields, 1, '');
  }

  /** Sends one XREADGROUP, with the acks that wait in the same write. */
  private send(reader: Client, blockMs: number): Promise<ReadReply> {
    const args = [
      'GROUP',
      this.host.group,
      this.host.consumerName,
      'COUNT',
      Math.min(this.free(), this.host.readBatchSize),
      'BLOCK',
      blockMs,
      'STREAMS',
      this.key,
      '>',
    ] as const;
    if (!this.acks.pending()) return reader.xreadgroup(...args) as Promise<ReadReply>;
    // The acks (and replies) of what was just handled go out in the same
    // write as the next read: one round trip per batch instead of two.
    let read: Promise<unknown> | undefined;
    const viaSocket = corked(reader, (sink) => {
      this.acks.attach(sink);
      read = sink.xreadgroup(...args);
    });
    if (viaSocket) return read as Promise<ReadReply>;
    const pipeline = reader.pipeline();
    this.acks.attach(pipeline);
    pipeline.xreadgroup(...args);
    return pipeline.exec().then((results) => {
      const [error, value] = results?.[results.length - 1] ?? [new Error('Connection is closed')];
      if (error) throw error;
      return value as ReadReply;
    });
  }

  private async reclaim(now: number): Promise<void> {
    this.deadlines = this.deadlines.filter((deadline) => deadline > now);
    this.nextSweep = now + this.reclaimIntervalMs;
    let start = '0-0';
    do {
      const [next, entries, counts, errors] = (await RECLAIM.run(
        this.host.client,
        [this.key, this.failures],
        [
          this.host.group,
          this.host.consumerName,
          this.minIdleMs,
          start,
          Math.min(this.free(), this.host.readBatchSize),
        ],
      )) as [string, StreamEntry[], number[], string[]];
      for (const [i, [id, fields]] of entries.entries()) {
        // Still running here (its handler has not timed out yet): Redis saw
        // the delivery a little before this node did. It is settled by the
        // running delivery; delivering it twice would double-count.
        if (this.active.has(id)) continue;
        this.deliver(id, fields, Number(counts[i] ?? 1), errors[i] ?? '');
      }
      start = next;
    } while (start !== '0-0' && this.free() > 0 && !this.closed);
    // More claimable entries than free slots: take them as soon as a slot frees.
    if (start !== '0-0') this.nextSweep = now;
  }

  private deliver(id: string, fields: string[], attempt: number, lastError: string): void {
    if (this.closed) {
      this.orphans.push(id);
      return;
    }
    const delivery = new StreamDelivery(this, id, fields, attempt, lastError, Date.now());
    this.active.set(id, delivery);
    try {
      this.options.deliver(delivery);
    } catch (error) {
      this.host.logger.error('The mesh deliver callback threw.', { ...this.about(), error });
    }
  }

  /**
   * A delivery settled; `claimableAt` is set for a nack. Returns whether
   * the loop is about to read (and will carry the queued acks).
   */
  release(id: string, claimableAt?: number): boolean {
    if (!this.active.delete(id)) return false;
    if (claimableAt !== undefined) this.deadlines.push(claimableAt);
    const waiter = this.slotWaiter;
    if (waiter === undefined) return false;
    this.slotWaiter = undefined;
    // Everything settled: read again at once (request/reply latency).
    // Otherwise a turn later, so settlements of one batch free their slots
    // together and the next read fetches a batch, not one entry.
    if (this.active.size === 0) waiter();
    else setImmediate(waiter);
    return true;
  }

  private slotFreed(): Promise<void> {
    return new Promise((resolve) => {
      this.slotWaiter = resolve;
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = setTimeout(() => {
        this.pauseTimer = undefined;
        resolve();
      }, ms);
      this.pauseTimer = { handle, resolve };
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.slotWaiter?.();
    this.slotWaiter = undefined;
    if (this.pauseTimer !== undefined) {
      clearTimeout(this.pauseTimer.handle);
      this.pauseTimer.resolve();
      this.pauseTimer = undefined;
    }
    const { host } = this;
    // Acks sent with the last read are answered before that read blocks;
    // wait for them before dropping the reader, which ends the read at once.
    await this.acks.settled(host.closeTimeoutMs);
    this.reader?.disconnect();
    await this.loop;
    const abandoned = [...this.orphans];
    for (const [id, delivery] of this.active) {
      delivery.settled = true;
      abandoned.push(id);
    }
    this.active.clear();
    try {
      // Every deleted entry acknowledged too, so PRUNE finds none pending.
      await this.acks.settled(host.closeTimeoutMs, true);
      if (abandoned.length > 0) {
        // Visible to the next consumer now, not after the visibility timeout;
        // JUSTID keeps the delivery count as it is.
        await host.client.call(
          'XCLAIM',
          this.key,
          host.group,
          host.consumerName,
          0,
          ...abandoned,
          'IDLE',
          ABANDONED_IDLE_MS,
          'JUSTID',
        );
      }
      await PRUNE.run(host.client, [this.key, this.failures], [host.group, host.consumerName]);
    } catch (error) {
      // Abandoned entries still come back, after the visibility timeout.
      host.logger.warn('A mesh consumer could not tidy up on close.', {
        ...this.about(),
        error,
      });
    }
  }
}
