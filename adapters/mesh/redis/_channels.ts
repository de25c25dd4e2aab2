import type { InvalidFrame, Logger, TransportSubscription } from 'skreaver';
import type { Read } from './_frames.js';
import type { Client } from './_settings.js';

/** What the pub/sub side needs from its transport. */
export interface ChannelHost {
  /** Opens (once) the connection in subscriber mode. */
  subscriber(): Promise<Client>;
  readonly logger: Logger;
  fail(error: unknown, operation: string): unknown;
}

/** Decodes and checks a frame received on one channel. */
export type FrameReader<M> = (frame: string) => Read<M>;

/** Gets what a channel carries; exactly one argument is set. */
export type FrameListener<M> = (message: M | undefined, invalid?: InvalidFrame) => void;

interface Entry {
  readonly read: FrameReader<unknown>;
  readonly listeners: Set<FrameListener<unknown>>;
}

/**
 * At-most-once delivery over Redis pub/sub (topics, broadcasts, and replies
 * sent straight to a node): one subscriber connection per node, one
 * SUBSCRIBE per channel however many listeners it has. ioredis resubscribes
 * after a reconnect; what was published meanwhile is lost, as at-most-once
 * delivery allows.
 */
export class Channels {
  private readonly entries = new Map<string, Entry>();
  private attached: Client | undefined;

  constructor(private readonly host: ChannelHost) {}

  private readonly onMessage = (name: string, frame: string): void => {
    const entry = this.entries.get(name);
    if (entry === undefined) return;
    const read = entry.read(typeof frame === 'string' ? frame : String(frame));
    const { listeners } = entry;
    // A copy only when there are several: one may unsubscribe another.
    for (const listener of listeners.size === 1 ? listeners : [...listeners]) {
      try {
        if (read.message !== undefined) listener(read.message);
        else listener(undefined, read.invalid);
      } catch (error) {
        // Listeners must not throw; one that does must not starve the others.
        this.host.logger.error('A mesh channel listener threw.', { channel: name, error });
      }
    }
  };

  /** Listens to `name`; resolves once Redis confirmed the subscription. */
  async subscribe<M>(
    name: string,
    read: FrameReader<M>,
    listener: FrameListener<M>,
  ): Promise<TransportSubscription> {
    let sub: Client;
    try {
      sub = await this.host.subscriber();
    } catch (error) {
      throw this.host.fail(error, 'subscribe');
    }
    if (this.attached !== sub) {
      sub.on('message', this.onMessage);
      this.attached = sub;
    }
    let entry = this.entries.get(name);
    if (entry === undefined) {
      entry = { read, listeners: new Set() };
      this.entries.set(name, entry);
    }
    const listeners = entry.listeners;
    const own = listener as FrameListener<unknown>;
    listeners.add(own);
    try {
      // Commands on one connection run in order, so a SUBSCRIBE issued after
      // an UNSUBSCRIBE of the same channel wins; SUBSCRIBE twice is harmless.
      await sub.subscribe(name);
    } catch (error) {
      void this.drop(name, listeners, own, sub);
      throw this.host.fail(error, 'subscribe');
    }
    let open = true;
    return {
      close: async () => {
        if (!open) return;
        open = false;
        await this.drop(name, listeners, own, sub);
      },
    };
  }

  private async drop(
    name: string,
    listeners: Set<FrameListener<unknown>>,
    listener: FrameListener<unknown>,
    sub: Client,
  ): Promise<void> {
    listeners.delete(listener);
    if (listeners.size > 0 || this.entries.get(name)?.listeners !== listeners) return;
    this.entries.delete(name);
    try {
      await sub.unsubscribe(name);
    } catch (error) {
      // The connection is gone or going; nothing is delivered for it any more.
      this.host.logger.debug('UNSUBSCRIBE failed.', { channel: name, error });
    }
  }

  /** Forgets every listener (the transport closes the connection). */
  clear(): void {
    this.entries.clear();
  }
}
