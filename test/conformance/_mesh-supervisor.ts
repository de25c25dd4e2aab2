import type { AgentId, MessagePayload } from 'skreaver';
import { createSupervisor, nonEmptyArray, replyHandler, textPayload } from 'skreaver';
import { assert, assertEqual, assertRejects } from './_assert.js';
import { type MeshSuiteContext, text } from './_mesh-context.js';

/** Supervisor/worker: strategies, retries, worker death. */
export function defineSupervisorTests(suite: MeshSuiteContext): void {
  const { test } = suite;
  const echo = (worker: AgentId) => replyHandler((m) => textPayload(`${worker}:${text(m)}`));
  suite.runner.describe('supervisor/worker', () => {
    test('round-robin spreads tasks over the workers in turn', async (t) => {
      const mesh = await t.node();
      const workers = [t.id('w1'), t.id('w2'), t.id('w3')];
      for (const w of workers) await mesh.join(w, echo(w));
      const supervisor = await createSupervisor({
        mesh,
        id: t.id('boss'),
        workers: nonEmptyArray(workers),
        strategy: 'round-robin',
      });
      const replies = await Promise.all(
        [0, 1, 2, 3, 4, 5].map((i) => supervisor.submit(textPayload(String(i)))),
      );
      const byWorker = replies.map((r) => r.from);
      assertEqual(byWorker, [...workers, ...workers], 'each worker in turn');
      assertEqual(
        supervisor.stats().map((s) => s.completed),
        [2, 2, 2],
        'completed counts',
      );
      await supervisor.close();
    });

    test('least-loaded sends to the worker with the fewest tasks in flight', async (t) => {
      const mesh = await t.node();
      const [slow, fast] = [t.id('slow'), t.id('fast')];
      let releaseSlow: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        releaseSlow = resolve;
      });
      await mesh.join(
        slow,
        replyHandler(async () => {
          await gate;
          return textPayload('slow');
        }),
      );
      await mesh.join(fast, echo(fast));
      const supervisor = await createSupervisor({
        mesh,
        id: t.id('boss'),
        workers: nonEmptyArray([slow, fast]),
      });
      const first = supervisor.submit(textPayload('1'));
      await t.waitFor(
        () => supervisor.stats()[0]?.active === 1,
        'the first task on the slow worker',
      );
      const second = await supervisor.submit(textPayload('2'));
      const third = await supervisor.submit(textPayload('3'));
      assertEqual([second.from, third.from], [fast, fast], 'the idle worker got the next tasks');
      releaseSlow();
      assertEqual(text(await first), 'slow', 'the first task');
      await supervisor.close();
    });

    test('a failed task is retried on another worker; after maxRetries it rejects with delivery_failed', async (t) => {
      const mesh = await t.node();
      const [bad, good] = [t.id('bad'), t.id('good')];
      await mesh.join(
        bad,
        replyHandler(() => {
          throw new Error('worker broke');
        }),
      );
      await mesh.join(good, echo(good));
      const supervisor = await createSupervisor({
        mesh,
        id: t.id('boss'),
        workers: nonEmptyArray([bad, good]),
        strategy: 'round-robin',
        retryDelayMs: 5,
        maxRetries: 1,
      });
      const reply = await supervisor.submit(textPayload('task'));
      assertEqual(reply.from, good, 'retried on the good worker');
      assertEqual(
        supervisor.stats().map((s) => [s.completed, s.failed]),
        [
          [0, 1],
          [1, 0],
        ],
        'counters',
      );
      supervisor.removeWorker(good);
      const error = await assertRejects(
        () => supervisor.submit(textPayload('doomed')),
        { code: 'delivery_failed' },
        'a task no worker can do',
      );
      const data = (error as { data?: { attempts?: number; lastError?: { message?: string } } })
        .data;
      assertEqual(
        [data?.attempts, data?.lastError?.message],
        [2, `${bad} answered with an error: worker broke`],
        'attempts and last error',
      );
      await supervisor.close();
    }, 20_000);

    test('a dead worker is detected by presence and its task re-queued to another worker', async (t) => {
      const [main, side] = [await t.node(), await t.node()];
      const [doomed, spare] = [t.id('doomed'), t.id('spare')];
      let started = false;
      await side.join(doomed, () => {
        started = true;
        return new Promise<void>(() => {});
      });
      const supervisor = await createSupervisor({
        mesh: main,
        id: t.id('boss'),
        workers: nonEmptyArray([doomed, spare]),
        healthCheckIntervalMs: 20,
        taskTimeoutMs: 60_000,
      });
      const pending = supervisor.submit(textPayload('job'));
      await t.waitFor(() => started, 'the doomed worker to start the task');
      await main.join(spare, echo(spare));
      await side.close();
      const reply = await pending;
      assertEqual(reply.from, spare, 'the spare worker finished the task');
      assert(
        supervisor.stats().find((s) => s.worker === doomed)?.available === false,
        'the dead worker is unavailable',
      );
      await supervisor.close();
      await assertRejects(
        () => supervisor.submit(textPayload('late') as MessagePayload),
        { code: 'mesh_closed' },
        'submit after close',
      );
    });
  });
}
