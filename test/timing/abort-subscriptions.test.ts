import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  type AbortSubscriber,
  subscribeAbort,
  unsubscribeAbort,
} from '../../src/timing/_abort-subscriptions.js';

function subscriber(log: string[], name: string): AbortSubscriber {
  return { signalAborted: () => log.push(name) };
}

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('abort subscriptions', () => {
  it('share one listener among every subscriber of a signal and tell each once', () => {
    const controller = new AbortController();
    const log: string[] = [];
    const all = Array.from({ length: 20 }, (_, i) => subscriber(log, `s${i}`));
    for (const s of all) subscribeAbort(controller.signal, s);
    expect(listeners(controller.signal)).toBe(1);
    unsubscribeAbort(controller.signal, all[3] as AbortSubscriber);
    controller.abort(new Error('stop'));
    expect(log).toHaveLength(19);
    expect(log).not.toContain('s3');
    expect(listeners(controller.signal)).toBe(0);
  });

  it('leave nothing on a signal many subscribers share for one stretch', () => {
    const controller = new AbortController();
    const all = Array.from({ length: 5 }, (_, i) => subscriber([], `call ${i}`));
    for (const s of all) subscribeAbort(controller.signal, s);
    for (const s of all) unsubscribeAbort(controller.signal, s);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('leave nothing on a signal used once', () => {
    const controller = new AbortController();
    const s = subscriber([], 'once');
    subscribeAbort(controller.signal, s);
    unsubscribeAbort(controller.signal, s);
    unsubscribeAbort(controller.signal, s);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('keep one listener on a signal that comes back, and still tell the current subscriber', () => {
    const controller = new AbortController();
    const log: string[] = [];
    for (let i = 0; i < 100; i++) {
      const s = subscriber(log, `step ${i}`);
      subscribeAbort(controller.signal, s);
      unsubscribeAbort(controller.signal, s);
    }
    expect(listeners(controller.signal)).toBe(1);
    subscribeAbort(controller.signal, subscriber(log, 'running'));
    expect(listeners(controller.signal)).toBe(1);
    controller.abort();
    expect(log).toEqual(['running']);
  });

  it('let a subscriber unsubscribe another while being told', () => {
    const controller = new AbortController();
    const log: string[] = [];
    const second = subscriber(log, 'second');
    subscribeAbort(controller.signal, {
      signalAborted() {
        log.push('first');
        unsubscribeAbort(controller.signal, second);
      },
    });
    subscribeAbort(controller.signal, second);
    controller.abort();
    expect(log).toEqual(['first', 'second']);
  });
});
