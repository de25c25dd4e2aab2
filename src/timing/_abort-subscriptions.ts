/** Told when the signal it subscribed to aborts. */
export interface AbortSubscriber {
  /** The signal aborted; its reason is `signal.reason`. */
  signalAborted(): void;
}

interface Subscription {
  readonly subscribers: Set<AbortSubscriber>;
  readonly listener: () => void;
  /**
   * How many times the signal went from no subscriber to one: calls that
   * share it at once (a round of tool calls) count once, steps that follow
   * one another on it count each.
   */
  uses: number;
  listening: boolean;
}

const subscriptions = new WeakMap<AbortSignal, Subscription>();

function subscriptionOf(signal: AbortSignal): Subscription {
  const found = subscriptions.get(signal);
  if (found !== undefined) return found;
  const subscribers = new Set<AbortSubscriber>();
  const subscription: Subscription = {
    subscribers,
    uses: 0,
    listening: false,
    listener: () => {
      subscription.listening = false;
      const told = [...subscribers];
      subscribers.clear();
      for (const subscriber of told) subscriber.signalAborted();
    },
  };
  subscriptions.set(signal, subscription);
  return subscription;
}

/**
 * Tells `subscriber` when `signal` aborts (call it only on a signal that has
 * not aborted yet). Every subscriber of a signal shares one `abort`
 * listener. `addEventListener` and `removeEventListener` cost microseconds,
 * and a long-lived signal (an agent's, a runtime's) is subscribed to once
 * per step: so a signal that comes back after its subscribers all left
 * keeps its listener between them, while a signal used for one stretch (a
 * request's, however many calls share it) drops it with its last
 * subscriber and holds nothing afterwards.
 */
export function subscribeAbort(signal: AbortSignal, subscriber: AbortSubscriber): void {
  const subscription = subscriptionOf(signal);
  if (subscription.subscribers.size === 0) subscription.uses++;
  subscription.subscribers.add(subscriber);
  if (!subscription.listening) {
    subscription.listening = true;
    signal.addEventListener('abort', subscription.listener, { once: true });
  }
}

/** Stops telling `subscriber` about `signal`. Idempotent. */
export function unsubscribeAbort(signal: AbortSignal, subscriber: AbortSubscriber): void {
  const subscription = subscriptions.get(signal);
  if (subscription === undefined || !subscription.subscribers.delete(subscriber)) return;
  if (subscription.subscribers.size > 0 || subscription.uses > 1 || !subscription.listening) return;
  subscription.listening = false;
  signal.removeEventListener('abort', subscription.listener);
}
