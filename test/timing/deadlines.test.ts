import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createDeadlineQueue,
  createDeadlines,
  type Expirable,
} from '../../src/timing/deadlines.js';

function owner(log: string[], name: string): Expirable {
  return { expired: () => log.push(name) };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('deadline queue', () => {
  it('shares one timer among pending deadlines and expires each at its own time', async () => {
    const queue = createDeadlineQueue(100);
    const log: string[] = [];
    queue.start(owner(log, 'a'));
    await vi.advanceTimersByTimeAsync(30);
    queue.start(owner(log, 'b'));
    queue.start(owner(log, 'c'));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(70);
    expect(log).toEqual(['a']);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(29);
    expect(log).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never tells a cancelled owner, and clears the timer once nothing is pending', async () => {
    const queue = createDeadlineQueue(100);
    const log: string[] = [];
    const first = queue.start(owner(log, 'a'));
    await vi.advanceTimersByTimeAsync(50);
    const second = queue.start(owner(log, 'b'));
    first.cancel();
    first.cancel();
    expect(vi.getTimerCount()).toBe(1);
    // The timer still fires at the first deadline, finds nothing due and waits for the second.
    await vi.advanceTimersByTimeAsync(50);
    expect(log).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    second.cancel();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(log).toEqual([]);
  });

  it('lets an owner start a new deadline while being told', async () => {
    const queue = createDeadlineQueue(10);
    const log: string[] = [];
    queue.start({
      expired() {
        log.push('first');
        queue.start(owner(log, 'second'));
      },
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(log).toEqual(['first']);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(log).toEqual(['first', 'second']);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('deadlines of several lengths', () => {
  it('runs one timer per length in use and none once all are done', async () => {
    const deadlines = createDeadlines();
    const log: string[] = [];
    deadlines.start(50, owner(log, 'short 1'));
    deadlines.start(50, owner(log, 'short 2'));
    const long = deadlines.start(200, owner(log, 'long'));
    expect(vi.getTimerCount()).toBe(2);
    await vi.advanceTimersByTimeAsync(50);
    expect(log).toEqual(['short 1', 'short 2']);
    expect(vi.getTimerCount()).toBe(1);
    long.cancel();
    expect(vi.getTimerCount()).toBe(0);
    // A length used again after its queue emptied gets a fresh one.
    deadlines.start(50, owner(log, 'short 3'));
    await vi.advanceTimersByTimeAsync(50);
    expect(log).toEqual(['short 1', 'short 2', 'short 3']);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('keepIdleTimer', () => {
  it('reuses the idle timer when deadlines start and finish one at a time', async () => {
    const queue = createDeadlineQueue(100, { keepIdleTimer: true });
    const log: string[] = [];
    for (let i = 0; i < 50; i++) {
      queue.start(owner(log, `early ${i}`)).cancel();
      await vi.advanceTimersByTimeAsync(1);
    }
    // One timer, armed by the first start, not one per start.
    expect(vi.getTimerCount()).toBe(1);
    // Started at 50 ms: the idle timer (due at 100 ms) fires first and re-arms for it.
    queue.start(owner(log, 'late'));
    await vi.advanceTimersByTimeAsync(99);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(['late']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets the idle timer run out once nothing is pending, telling nobody', async () => {
    const queue = createDeadlineQueue(100, { keepIdleTimer: true });
    const log: string[] = [];
    queue.start(owner(log, 'a')).cancel();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(vi.getTimerCount()).toBe(0);
    expect(log).toEqual([]);
  });

  it('holds the process open only while a deadline is pending', () => {
    vi.useRealTimers();
    const timeouts = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timeouts();
    const queue = createDeadlineQueue(60_000, { keepIdleTimer: true });
    const first = queue.start({ expired: () => {} });
    expect(timeouts()).toBe(before + 1);
    first.cancel();
    expect(timeouts()).toBe(before);
    const second = queue.start({ expired: () => {} });
    expect(timeouts()).toBe(before + 1);
    second.cancel();
    expect(timeouts()).toBe(before);
  });
});
