import type { Logger } from '../observability/logger.js';
import { isThenable } from './_async.js';
import type { CoordinatorListener } from './events.js';

type Listener = CoordinatorListener<never>;

/** Internal fan-out for coordinator events; listeners can never break the emitter. */
export interface EventHub<E extends { readonly type: string }> {
  /** Whether anyone listens to `type` (lets the hot path skip building events). */
  wants(type: E['type']): boolean;
  /** Delivers `event` to the listeners of its type, then to catch-all listeners. */
  emit(event: E): void;
  /** Subscribes to one type; returns an idempotent unsubscribe. */
  on(type: E['type'], listener: CoordinatorListener<E>): () => void;
  /** Subscribes to every type; returns an idempotent unsubscribe. */
  onAny(listener: CoordinatorListener<E>): () => void;
  /** Drops every listener. */
  clear(): void;
}

export function createEventHub<E extends { readonly type: string }>(logger: Logger): EventHub<E> {
  const byType = new Map<string, Set<Listener>>();
  const any = new Set<Listener>();

  function subscribe(set: Set<Listener>, listener: Listener): () => void {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry: Listener = (event) => listener(event);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  function deliver(listener: Listener, event: E): void {
    try {
      const returned: unknown = (listener as CoordinatorListener<E>)(event);
      if (isThenable(returned)) {
        returned.then(undefined, (error: unknown) => report(event, error));
      }
    } catch (error) {
      report(event, error);
    }
  }

  function report(event: E, error: unknown): void {
    try {
      logger.error('A coordinator event listener threw; the step goes on.', {
        event: event.type,
        error,
      });
    } catch {
      // A logger that throws must not break the step either.
    }
  }

  return {
    wants(type) {
      return any.size > 0 || (byType.get(type)?.size ?? 0) > 0;
    },
    emit(event) {
      const typed = byType.get(event.type);
      // Copy so listeners that (un)subscribe while handling see a stable list.
      if (typed !== undefined && typed.size > 0) {
        for (const listener of [...typed]) deliver(listener, event);
      }
      if (any.size > 0) {
        for (const listener of [...any]) deliver(listener, event);
      }
    },
    on(type, listener) {
      let set = byType.get(type);
      if (set === undefined) {
        set = new Set();
        byType.set(type, set);
      }
      return subscribe(set, listener as Listener);
    },
    onAny(listener) {
      return subscribe(any, listener as Listener);
    },
    clear() {
      byType.clear();
      any.clear();
    },
  };
}
