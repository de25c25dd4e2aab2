import { describe, expect, it } from 'vitest';
import { createSerialQueue } from '../../src/agent/_serial-queue.js';
import { deferred, flush } from './_helpers.js';

describe('serial queue', () => {
  it('runs tasks one at a time in FIFO order', async () => {
    const queue = createSerialQueue();
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) =>
      queue.run(async () => {
        log.push(`start ${i}`);
        await gate.promise;
        log.push(`end ${i}`);
        return i;
      }),
    );
    expect(queue.busy).toBe(true);
    expect(queue.waiting).toBe(2);
    gates[1]?.resolve();
    gates[2]?.resolve();
    await flush();
    expect(log).toEqual(['start 0']);
    gates[0]?.resolve();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(queue.busy).toBe(false);
  });

  it('goes on after a task that throws synchronously', async () => {
    const queue = createSerialQueue();
    const first = queue.run(() => {
      throw new Error('sync');
    });
    await expect(first).rejects.toThrow('sync');
    await expect(queue.run(async () => 'next')).resolves.toBe('next');
  });

  it('rejects a waiting task whose signal aborts or was already aborted, using the abort mapping', async () => {
    const queue = createSerialQueue();
    const gate = deferred();
    const running = queue.run(() => gate.promise);
    const controller = new AbortController();
    const mapped = (reason: unknown) => new Error(`aborted: ${String(reason)}`);
    const waiting = queue.run(async () => 'never', controller.signal, mapped);
    const early = queue.run(async () => 'never', AbortSignal.abort('early'), mapped);
    const unmapped = queue.run(async () => 'never', AbortSignal.abort('raw'));
    controller.abort('late');
    await expect(waiting).rejects.toThrow('aborted: late');
    await expect(early).rejects.toThrow('aborted: early');
    await expect(unmapped).rejects.toBe('raw');
    expect(queue.waiting).toBe(0);
    gate.resolve();
    await running;
  });

  it('cancels every waiting task but lets the running one finish', async () => {
    const queue = createSerialQueue();
    const gate = deferred();
    const running = queue.run(async () => {
      await gate.promise;
      return 'done';
    });
    const waiting = [queue.run(async () => 1), queue.run(async () => 2)];
    queue.cancelWaiting(() => new Error('closed'));
    for (const w of waiting) await expect(w).rejects.toThrow('closed');
    gate.resolve();
    await expect(running).resolves.toBe('done');
  });

  it('resolves drained() once nothing runs or waits', async () => {
    const queue = createSerialQueue();
    await queue.drained();
    const gate = deferred();
    void queue.run(() => gate.promise);
    void queue.run(async () => {});
    let drained = false;
    const done = queue.drained().then(() => {
      drained = true;
    });
    await flush();
    expect(drained).toBe(false);
    gate.resolve();
    await done;
    expect(queue.busy).toBe(false);
  });
});
