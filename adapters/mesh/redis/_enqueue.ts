import type { EnqueueResult } from 'skreaver';
import { ENQUEUE, ENQUEUE_ONE } from './_scripts.js';
import type { Client } from './_settings.js';

/**
 * Frame characters one call carries at most (besides `maxFrames`), so a
 * batch of large messages does not become one huge command.
 */
const MAX_BATCH_CHARS = 1_048_576;

interface Waiter {
  resolve(result: EnqueueResult): void;
  reject(error: unknown): void;
}

interface Batch {
  readonly mailbox: string;
  /** Whether any frame has a depth limit (then the script checks it). */
  readonly bounded: boolean;
  chars: number;
  /** max, frame, max, frame... (max -1: none) */
  readonly args: (string | number)[];
  readonly waiters: Waiter[];
}

/**
 * Coalesces the sends made to one mailbox in one tick into one call (at
 * most `maxFrames` frames each): Redis runs one script instead of many and
 * the client sends one command. Frames with a depth limit go through the
 * ENQUEUE script (ENQUEUE_ONE for a lone frame), which checks the limit and
 * appends in order, exactly as separate calls would; frames without one (replies, redrives) are plain
 * XADDs followed by an XLEN in one pipeline, since nothing needs checking and a script call
 * costs Redis several times an XADD. A lone send pays one
 * `process.nextTick`, nothing more.
 */
export class EnqueueBatcher {
  private pending = new Map<string, Batch>();
  private scheduled = false;
  private readonly flushNow = (): void => {
    this.scheduled = false;
    const pending = this.pending;
    this.pending = new Map();
    for (const batch of pending.values()) this.send(batch);
  };

  constructor(
    private readonly client: Client,
    private readonly maxFrames: number,
    private readonly fail: (error: unknown) => unknown,
  ) {}

  enqueue(mailbox: string, frame: string, maxDepth: number): Promise<EnqueueResult> {
    const bounded = Number.isFinite(maxDepth);
    const slot = bounded ? `b${mailbox}` : `u${mailbox}`;
    let batch = this.pending.get(slot);
    if (
      batch !== undefined &&
      (batch.waiters.length >= this.maxFrames || batch.chars + frame.length > MAX_BATCH_CHARS)
    ) {
      this.pending.delete(slot);
      this.send(batch);
      batch = undefined;
    }
    if (batch === undefined) {
      batch = { mailbox, bounded, chars: 0, args: [], waiters: [] };
      this.pending.set(slot, batch);
    }
    batch.args.push(bounded ? maxDepth : -1, frame);
    batch.chars += frame.length;
    const waiters = batch.waiters;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flushNow);
    }
    return new Promise((resolve, reject) => {
      waiters.push({ resolve, reject });
    });
  }

  private send(batch: Batch): void {
    const { waiters } = batch;
    const failed = (error: unknown) => {
      const failure = this.fail(error);
      for (const waiter of waiters) waiter.reject(failure);
    };
    if (batch.bounded && waiters.length === 1) {
      const waiter = waiters[0] as Waiter;
      ENQUEUE_ONE.run(this.client, [batch.mailbox], batch.args).then((reply) => {
        const n = Number(reply);
        waiter.resolve(n > 0 ? { accepted: true, depth: n } : { accepted: false, depth: -1 - n });
      }, failed);
      return;
    }
    if (batch.bounded) {
      ENQUEUE.run(this.client, [batch.mailbox], batch.args).then((reply) => {
        const flat = reply as number[];
        for (const [i, waiter] of waiters.entries()) {
          waiter.resolve({ accepted: flat[2 * i] === 1, depth: Number(flat[2 * i + 1]) });
        }
      }, failed);
      return;
    }
    // One write: the XADDs, then the depth after them.
    const pipeline = this.client.pipeline();
    for (let i = 1; i < batch.args.length; i += 2) {
      pipeline.xadd(batch.mailbox, '*', 'm', batch.args[i] as string);
    }
    pipeline.xlen(batch.mailbox);
    pipeline.exec().then((results) => {
      const failure = results?.find(([error]) => error !== null)?.[0];
      if (results === null || failure) {
        failed(failure ?? new Error('Connection is closed'));
        return;
      }
      const depth = Number(results[results.length - 1]?.[1]);
      for (const waiter of waiters) waiter.resolve({ accepted: true, depth });
    }, failed);
  }
}
