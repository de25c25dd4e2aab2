import type {
  ChannelListener,
  Logger,
  MessageLimits,
  TransportChannel,
  TransportSubscription,
} from 'skreaver';
import { readChannelFrame } from './_frames.js';
import type { Client } from './_settings.js';

/** What the pub/sub side needs from its transport. */
export interface ChannelHost {
  /** Opens (once) the connection in subscriber mode. */
  subscriber(): Promise<Client>;
  readonly limits: MessageLimits | undefined;
  readonly logger: Logger;
  fail(error: unknown, operation: string): unknown;
}

interface Entry {
  readonly channel: TransportChannel;
  readonly listeners: Set<ChannelListener>;
}

/**
 * Topic and broadcast fan-out over Redis pub/sub: one subscriber connection
 * per node, one SUBSCRIBE per channel however many listeners it has. ioredis
 * resubscribes after a reconnect; what was published meanwhile is lost, as
 * at-most-once fan-out allows.
 */
export class Channels {
  private readonly entries = new Map<string, Entry>();
  private attached: Client | undefined;

  constructor(private readonly host: ChannelHost) {}

  private readonly onMessage = (name: string, frame: string): void => {
    const entry = this.entries.get(name);
    if (entry === undefined) return;
    const read = readChannelFrame(String(frame), entry.channel, this.host.limits);
    for (const listener of [...entry.listeners]) {
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
  async subscribe(
    name: string,
    channel: TransportChannel,
    listener: ChannelListener,
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
      entry = { channel, listeners: new Set() };
      this.entries.set(name, entry);
    }
    const listeners = entry.listeners;
    listeners.add(listener);
    try {
      // Commands on one connection run in order, so a SUBSCRIBE issued after
      // an UNSUBSCRIBE of the same channel wins; SUBSCRIBE twice is harmless.
      await sub.subscribe(name);
    } catch (error) {
      void this.drop(name, listeners, listener, sub);
      throw this.host.fail(error, 'subscribe');
    }
    let open = true;
    return {
      close: async () => {
        if (!open) return;
        open = false;
        await this.drop(name, listeners, listener, sub);
      },
    };
  }

  private async drop(
    name: string,
    listeners: Set<ChannelListener>,
    listener: ChannelListener,
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
