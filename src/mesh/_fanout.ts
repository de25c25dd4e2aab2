import { isThenable } from '../agent/_async.js';
import type { TopicName } from '../identifiers/identifiers.js';
import type { MailboxConsumer } from './_consumer.js';
import { Delivery } from './_delivery-context.js';
import { type MeshRuntime, toFailure } from './_runtime.js';
import type { MessageHandler, Subscription } from './mesh.js';
import type { BroadcastMessage, MeshMessage, TopicMessage } from './message.js';
import type { InvalidFrame, TransportSubscription } from './transport.js';

interface TopicEntry {
  readonly handlers: Set<MessageHandler<TopicMessage>>;
  /** The transport subscription, shared by every handler of the topic on this node. */
  readonly ready: Promise<TransportSubscription>;
}

/** Topic subscriptions and broadcast delivery of one node (at-most-once fan-out). */
export interface Fanout {
  subscribe(topic: TopicName, handler: MessageHandler<TopicMessage>): Promise<Subscription>;
  unsubscribe(subscription: Subscription): Promise<void>;
  /** Starts listening to broadcasts (once); joined agents then receive them. */
  listenToBroadcasts(): Promise<void>;
  close(reason: unknown): Promise<void>;
}

export function createFanout(
  rt: MeshRuntime,
  members: ReadonlyMap<string, MailboxConsumer>,
): Fanout {
  const topics = new Map<TopicName, TopicEntry>();
  const owners = new WeakMap<Subscription, MessageHandler<TopicMessage>>();
  const running = new Set<Delivery>();
  let broadcast: Promise<TransportSubscription> | undefined;
  const { options, events } = rt;

  function dropped(
    reason: 'handler_failed' | 'expired',
    message: MeshMessage,
    error?: unknown,
  ): void {
    options.metrics.meshMessageDropped?.call(options.metrics, { reason });
    if (reason === 'handler_failed') {
      options.logger.warn('A topic or broadcast handler failed; the message is dropped.', {
        messageId: message.id,
        error,
      });
    }
    if (events.wants('message_dropped')) {
      events.emit(
        error === undefined
          ? { type: 'message_dropped', reason, message }
          : { type: 'message_dropped', reason, message, error: toFailure(error) },
      );
    }
  }

  function invoke<M extends MeshMessage>(
    handler: MessageHandler<M>,
    message: M,
    ctx: Delivery,
  ): void {
    running.add(ctx);
    const done = () => running.delete(ctx);
    let result: unknown;
    try {
      result = handler(message, ctx);
    } catch (error) {
      done();
      dropped('handler_failed', message, error);
      return;
    }
    if (!isThenable(result)) {
      done();
      return;
    }
    result.then(done, (error: unknown) => {
      done();
      dropped('handler_failed', message, error);
    });
  }

  function invalid(
    source: 'topic' | 'broadcast',
    frame: InvalidFrame | undefined,
    topic?: TopicName,
  ): void {
    if (frame === undefined || !events.wants('message_invalid')) return;
    events.emit(
      topic === undefined
        ? { type: 'message_invalid', source, error: frame.error }
        : { type: 'message_invalid', source, topic, error: frame.error },
    );
  }

  function onTopic(
    topic: TopicName,
    message: TopicMessage | BroadcastMessage | undefined,
    frame?: InvalidFrame,
  ): void {
    const entry = topics.get(topic);
    if (entry === undefined || rt.isClosed()) return;
    if (message === undefined || message.kind !== 'topic') {
      invalid('topic', frame, topic);
      return;
    }
    if (rt.isExpired(message)) {
      dropped('expired', message);
      return;
    }
    for (const handler of [...entry.handlers]) {
      invoke(handler, message, new Delivery(rt, undefined, message, 1));
    }
  }

  function onBroadcast(
    message: TopicMessage | BroadcastMessage | undefined,
    frame?: InvalidFrame,
  ): void {
    if (rt.isClosed()) return;
    if (message === undefined || message.kind !== 'broadcast') {
      invalid('broadcast', frame);
      return;
    }
    if (rt.isExpired(message)) {
      dropped('expired', message);
      return;
    }
    for (const member of [...members.values()]) {
      if (member.agent === message.from) continue;
      invoke(member.handler, message, new Delivery(rt, member.agent, message, 1));
    }
  }

  const fanout: Fanout = {
    async subscribe(topic, handler) {
      let entry = topics.get(topic);
      if (entry === undefined) {
        const ready = rt.transport.subscribe({ kind: 'topic', topic }, (message, frame) =>
          onTopic(topic, message, frame),
        );
        entry = { handlers: new Set(), ready };
        topics.set(topic, entry);
        ready.then(undefined, () => {
          if (topics.get(topic) === entry) topics.delete(topic);
        });
      }
      await entry.ready;
      // Wrapped, so one function subscribed twice is two subscriptions.
      const own: MessageHandler<TopicMessage> = (message, ctx) => handler(message, ctx);
      entry.handlers.add(own);
      const subscription: Subscription = {
        topic,
        unsubscribe: () => fanout.unsubscribe(subscription),
      };
      owners.set(subscription, own);
      return subscription;
    },

    async unsubscribe(subscription) {
      const own = owners.get(subscription);
      if (own === undefined) return;
      owners.delete(subscription);
      const entry = topics.get(subscription.topic);
      if (entry === undefined || !entry.handlers.delete(own) || entry.handlers.size > 0) return;
      topics.delete(subscription.topic);
      await (await entry.ready).close();
    },

    async listenToBroadcasts() {
      broadcast ??= rt.transport.subscribe({ kind: 'broadcast' }, onBroadcast);
      try {
        await broadcast;
      } catch (error) {
        broadcast = undefined;
        throw error;
      }
    },

    async close(reason) {
      for (const ctx of running) ctx.abort(reason);
      running.clear();
      const closing: Promise<TransportSubscription>[] = [...topics.values()].map((e) => e.ready);
      if (broadcast !== undefined) closing.push(broadcast);
      topics.clear();
      broadcast = undefined;
      await Promise.allSettled(closing.map(async (ready) => (await ready).close()));
    },
  };
  return fanout;
}
