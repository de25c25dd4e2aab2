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

const ignore = (): void => {};

/**
 * The acknowledgements of one mailbox, and the replies its handlers send
 * straight to requesting nodes. An ack deletes the entry (XDEL, which
 * is what keeps XLEN equal to the depth), then acknowledges it (XACK), and
 * drops its failure record if it has one (HDEL). Plain commands, not a
 * script: a script call costs Redis several times these. In that order a
 * lost connection in between leaves at worst a deleted entry still pending,
 * which XAUTOCLAIM clears, never an acknowledged entry still counted.
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
    if (batch !== undefined) this.commands(sink, batch);
  }

  /** Sends the queued acks on the command connection now. */
  flush(): void {
    const batch = this.take();
    if (batch === undefined) return;
    if (corked(this.client, (sink) => this.commands(sink, batch))) return;
    const pipeline = this.client.pipeline();
    this.commands(pipeline, batch);
    // Failures reach the batch through the command callbacks.
    pipeline.exec().then(undefined, () => undefined);
  }

  /**
   * Resolves once every ack queued so far has been answered by Redis, or
   * after `timeoutMs` (a reader waiting for Redis to come back holds its
   * acks until then; a depth query does not wait that long).
   */
  async settled(timeoutMs: number): Promise<void> {
    this.flush();
    if (this.inFlight.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    const answered = (async () => {
      while (this.inFlight.size > 0) {
        await Promise.all([...this.inFlight].map((batch) => batch.done.catch(() => undefined)));
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
   * replied (replies come in order), failing with the first failure. The
   * callbacks matter on a reader's pipeline, whose `exec` resolves only
   * after the read.
   */
  private commands(sink: CommandSink, batch: AckBatch): void {
    // Same call shapes on both sinks; the return values are not used.
    const pipeline = sink as ChainableCommander;
    const { replies, ids } = batch;
    // A lost reply ends as its request's timeout; its error is no ack's.
    for (let i = 0; i < replies.length; i += 2) {
      pipeline.publish(replies[i] as string, replies[i + 1] as string, ignore);
    }
    if (ids.length === 0) {
      batch.finish(undefined);
      return;
    }
    this.inFlight.add(batch);
    let failure: Error | undefined;
    const step = (error?: Error | null) => {
      if (error && failure === undefined) failure = error;
    };
    const last = (error?: Error | null) => {
      step(error);
      this.inFlight.delete(batch);
      // On failure the entries stay pending and come back after the visibility timeout.
      batch.finish(failure === undefined ? undefined : this.fail(failure));
    };
    const withFailures = batch.failed.length > 0;
    pipeline.xdel(this.mailbox, ...ids, step);
    pipeline.xack(this.mailbox, this.group, ...ids, withFailures ? step : last);
    if (withFailures) pipeline.hdel(this.failures, ...batch.failed, last);
  }
}
