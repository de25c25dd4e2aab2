import type { ChainableCommander } from 'ioredis';
import { type CommandSink, corked } from './_corked.js';
import type { Client } from './_settings.js';

/** Acks settled in one turn of the event loop, sent together (with the replies made meanwhile). */
class AckBatch {
  readonly ids: string[] = [];
  /** The subset that has a failure record (a nack) to delete too. */
  readonly failed: string[] = [];
  /** Replies sent straight to a node: channel, frame, channel, frame... */
  readonly replies: string[] = [];
  /** Made only when an ack asks for it: a batch of replies alone has nothing to wait for. */
  private promise: Promise<void> | undefined;
  private settle: ((error: unknown) => void) | undefined;
  /** Set once Redis answered (undefined: success). */
  private outcome: { error: unknown } | undefined;

  /** Resolves once Redis has the acks, or rejects with what went wrong. */
  get done(): Promise<void> {
    if (this.promise === undefined) {
      const { outcome } = this;
      this.promise =
        outcome === undefined
          ? new Promise<void>((resolve, reject) => {
              this.settle = (error) => (error === undefined ? resolve() : reject(error));
            })
          : outcome.error === undefined
            ? Promise.resolve()
            : Promise.reject(outcome.error);
    }
    return this.promise;
  }

  finish(error: unknown): void {
    if (this.outcome !== undefined) return;
    this.outcome = { error };
    this.settle?.(error);
  }

  get size(): number {
    return this.ids.length + this.replies.length / 2;
  }
}

/** Most ids (and replies) one batch carries; more start a new batch. */
const MAX_IDS_PER_BATCH = 1000;

/**
 * Deleted entries whose XACK waits for company: at this many, the next
 * batch acknowledges them all in one XACK.
 */
const XACK_EVERY = 64;

const ignore = (): void => {};

/**
 * The acknowledgements of one mailbox, and the replies its handlers send
 * straight to requesting nodes. An ack deletes the entry (XDEL, which is
 * what keeps XLEN equal to the depth, and makes the ack final: a deleted
 * entry is never delivered again) and drops its failure record if it has
 * one (HDEL). Plain commands, not a script: a script call costs Redis
 * several times these.
 *
 * The XACK that takes a deleted entry off the group's pending list waits:
 * once Redis confirmed the XDEL, the id joins `deleted`, and one XACK takes
 * XACK_EVERY of them at once, with a later batch (one command less per
 * request/reply round trip). The rest are acknowledged when the reader
 * finds its mailbox idle, and before `close()` prunes the consumer. Until
 * then an entry is deleted but pending, the state a lost connection between
 * XDEL and XACK always could leave: XAUTOCLAIM drops such entries, and
 * nothing counts them. Only ids whose XDEL succeeded are ever acknowledged,
 * so an acknowledged entry is never still counted.
 *
 * Acks settled together travel together: in the same write as the
 * consumer's next XREADGROUP when the reader is about to read anyway, or on
 * the command connection a turn later when it is not. Every ack of a batch
 * shares one promise, and `settled()` lets a depth query wait for them.
 *
 * A reply (PUBLISH to the requesting node's channel) joins the batch too,
 * ahead of the acks: a handler that answers and returns has its reply, its
 * ack and the next read in one write. Replies are at most once, so nothing
 * waits for their answer.
 */
export class AckQueue {
  private batch: AckBatch | undefined;
  /** Entries deleted (XDEL confirmed) and still pending: their XACK waits. */
  private deleted: string[] = [];
  /** Batches sent and not answered yet, so a depth query can wait for them. */
  private readonly inFlight = new Set<AckBatch>();
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private readonly flushLater = (): void => {
    this.scheduled = undefined;
    this.flush();
  };

  constructor(
    private readonly client: Client,
    private readonly mailbox: string,
    private readonly failures: string,
    private readonly group: string,
    private readonly fail: (error: unknown) => unknown,
  ) {}

  /**
   * Queues an ack (`failed`: the entry has a failure record); resolves once
   * Redis has it. `reading`: the reader is about to read and takes the acks
   * along; otherwise they go on the command connection a turn later.
   */
  push(id: string, failed: boolean, reading: boolean): Promise<void> {
    const batch = this.open();
    batch.ids.push(id);
    if (failed) batch.failed.push(id);
    if (!reading) this.scheduled ??= setImmediate(this.flushLater);
    return batch.done;
  }

  /**
   * Queues a reply (PUBLISH `frame` on `channel`). It leaves with the next
   * read when the handler's ack comes first, else a turn later on the
   * command connection.
   */
  reply(channel: string, frame: string): void {
    this.open().replies.push(channel, frame);
    this.scheduled ??= setImmediate(this.flushLater);
  }

  private open(): AckBatch {
    if (this.batch !== undefined && this.batch.size >= MAX_IDS_PER_BATCH) this.flush();
    this.batch ??= new AckBatch();
    return this.batch;
  }

  /** Whether acks or replies are queued and not yet sent. */
  pending(): boolean {
    return this.batch !== undefined;
  }

  /**
   * Issues the queued acks on `sink` (a pipeline, or the corked reader),
   * ahead of the read that follows them.
   */
  attach(sink: CommandSink): void {
    const batch = this.take();
    if (batch !== undefined) this.commands(sink, batch, false);
  }

  /**
   * Sends the queued acks on the command connection now; `acknowledgeAll`:
   * with an XACK of every deleted entry, however few.
   */
  flush(acknowledgeAll = false): void {
    let batch = this.take();
    if (batch === undefined) {
      if (!acknowledgeAll || this.deleted.length === 0) return;
      batch = new AckBatch();
    }
    const ready = batch;
    if (corked(this.client, (sink) => this.commands(sink, ready, acknowledgeAll))) return;
    const pipeline = this.client.pipeline();
    this.commands(pipeline, ready, acknowledgeAll);
    // Failures reach the batch through the command callbacks.
    pipeline.exec().then(undefined, () => undefined);
  }

  /** The mailbox is idle: acknowledge the deleted entries that wait for an XACK. */
  idle(): void {
    if (this.batch === undefined && this.deleted.length > 0) this.flush(true);
  }

  /**
   * Resolves once every ack queued so far has been answered by Redis (and,
   * with `acknowledgeAll`, every deleted entry acknowledged), or after
   * `timeoutMs` (a reader waiting for Redis to come back holds its acks
   * until then; a depth query does not wait that long).
   */
  async settled(timeoutMs: number, acknowledgeAll = false): Promise<void> {
    this.flush(acknowledgeAll);
    if (this.inFlight.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    const answered = (async () => {
      while (this.inFlight.size > 0) {
        await Promise.all([...this.inFlight].map((batch) => batch.done.catch(() => undefined)));
        // The XDELs just confirmed leave entries for one more XACK.
        this.flush(acknowledgeAll);
      }
    })();
    await Promise.race([answered, expired]);
    clearTimeout(timer);
  }

  private take(): AckBatch | undefined {
    const batch = this.batch;
    this.batch = undefined;
    // Nothing left for the later flush: it need not run (a turn of the loop saved).
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    return batch;
  }

  /**
   * Issues the batch's commands; the batch settles when the last of them
   * replied (replies come in order), failing with the first failure of its
   * XDEL or HDEL. The callbacks matter on a reader's pipeline, whose `exec`
   * resolves only after the read.
   */
  private commands(sink: CommandSink, batch: AckBatch, acknowledgeAll: boolean): void {
    // Same call shapes on both sinks; the return values are not used.
    const pipeline = sink as ChainableCommander;
    const { ids, failed } = batch;
    const acking = this.deleted.length >= (acknowledgeAll ? 1 : XACK_EVERY) ? this.deleted : [];
    if (acking.length > 0) this.deleted = [];
    // Replies first, as they are the most awaited.
    publishReplies(pipeline, batch.replies);
    if (ids.length === 0 && acking.length === 0) {
      batch.finish(undefined);
      return;
    }
    this.inFlight.add(batch);
    let failure: Error | undefined;
    let left = (ids.length > 0 ? 1 : 0) + (failed.length > 0 ? 1 : 0) + (acking.length > 0 ? 1 : 0);
    const answered = (error?: Error | null) => {
      if (error && failure === undefined) failure = error;
      if (--left > 0) return;
      this.inFlight.delete(batch);
      // On failure the entries stay pending and come back after the visibility timeout.
      batch.finish(failure === undefined ? undefined : this.fail(failure));
    };
    if (ids.length > 0) {
      pipeline.xdel(this.mailbox, ...ids, (error?: Error | null) => {
        // Only an entry surely deleted may be acknowledged: an entry
        // acknowledged but still in the stream would never come back, and
        // would count in the depth for ever.
        if (!error) for (const id of ids) this.deleted.push(id);
        answered(error);
      });
    }
    if (failed.length > 0) pipeline.hdel(this.failures, ...failed, answered);
    // A failed XACK leaves deleted entries pending, which XAUTOCLAIM drops:
    // no ack's failure.
    if (acking.length > 0) pipeline.xack(this.mailbox, this.group, ...acking, () => answered());
  }
}

/** PUBLISH channel, frame for each pair; a lost reply ends as its request's timeout, no ack's error. */
function publishReplies(pipeline: ChainableCommander, replies: readonly string[]): void {
  for (let i = 0; i < replies.length; i += 2) {
    pipeline.publish(replies[i] as string, replies[i + 1] as string, ignore);
  }
}
