import type { ChainableCommander } from 'ioredis';
import type { Client } from './_settings.js';

/** Acks settled in one turn of the event loop, sent together. */
interface AckBatch {
  readonly ids: string[];
  /** The subset that has a failure record (a nack) to delete too. */
  readonly failed: string[];
  readonly done: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/** Most ids one batch carries; more start a new batch. */
const MAX_IDS_PER_BATCH = 1000;

/**
 * The acknowledgements of one mailbox. An ack deletes the entry (XDEL, which
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
 */
export class AckQueue {
  private batch: AckBatch | undefined;
  private readonly inFlight = new Set<Promise<void>>();
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
    if (this.batch !== undefined && this.batch.ids.length >= MAX_IDS_PER_BATCH) this.flush();
    if (this.batch === undefined) {
      let resolve: () => void = () => {};
      let reject: (error: unknown) => void = () => {};
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.batch = { ids: [], failed: [], done, resolve, reject };
    }
    this.batch.ids.push(id);
    if (failed) this.batch.failed.push(id);
    if (!reading) this.scheduled ??= setImmediate(this.flushLater);
    return this.batch.done;
  }

  /** Whether acks are queued and not yet sent. */
  pending(): boolean {
    return this.batch !== undefined;
  }

  /** Adds the queued acks to `pipeline`, ahead of the read that follows them. */
  attach(pipeline: ChainableCommander): void {
    const batch = this.take();
    if (batch !== undefined) this.track(this.commands(pipeline, batch), batch);
  }

  /** Sends the queued acks on the command connection now. */
  flush(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    const batch = this.take();
    if (batch === undefined) return;
    const pipeline = this.client.pipeline();
    const replied = this.commands(pipeline, batch);
    // Failures reach the batch through the command callbacks.
    pipeline.exec().then(undefined, () => undefined);
    this.track(replied, batch);
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
      while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    })();
    await Promise.race([answered, expired]);
    clearTimeout(timer);
  }

  private take(): AckBatch | undefined {
    const batch = this.batch;
    this.batch = undefined;
    return batch;
  }

  /**
   * Adds the ack commands; resolves when the last of them replied (replies
   * come in order), or rejects with the first failure. The callbacks matter
   * on a reader's pipeline, whose `exec` resolves only after the read.
   */
  private commands(pipeline: ChainableCommander, batch: AckBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      let failure: Error | undefined;
      const step = (error?: Error | null) => {
        if (error && failure === undefined) failure = error;
      };
      const last = (error?: Error | null) => {
        step(error);
        if (failure === undefined) resolve();
        else reject(failure);
      };
      const withFailures = batch.failed.length > 0;
      pipeline.xdel(this.mailbox, ...batch.ids, step);
      pipeline.xack(this.mailbox, this.group, ...batch.ids, withFailures ? step : last);
      if (withFailures) pipeline.hdel(this.failures, ...batch.failed, last);
    });
  }

  private track(replied: Promise<void>, batch: AckBatch): void {
    const sent = replied.then(
      () => batch.resolve(),
      // The entries stay pending and come back after the visibility timeout.
      (error: unknown) => batch.reject(this.fail(error)),
    );
    this.inFlight.add(sent);
    sent.then(() => this.inFlight.delete(sent));
  }
}
