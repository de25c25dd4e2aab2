import type { GatherResult } from 'skreaver';
import {
  broadcastGather,
  createPipeline,
  isSkreaverError,
  nonEmptyArray,
  PIPELINE_STAGE_HEADER,
  replyHandler,
  textPayload,
} from 'skreaver';
import { assert, assertEqual, assertRejects } from './_assert.js';
import { type MeshSuiteContext, text } from './_mesh-context.js';

/** Broadcast/gather with quorum, and pipelines. */
export function defineGatherPipelineTests(suite: MeshSuiteContext): void {
  const { test } = suite;
  suite.runner.describe('broadcast/gather and pipeline', () => {
    test('gather collects a reply from every target: complete', async (t) => {
      const [one, two] = [await t.node(), await t.node()];
      const targets = [t.id('a'), t.id('b'), t.id('c')];
      await one.join(
        targets[0] as never,
        replyHandler(() => textPayload('a')),
      );
      await two.join(
        targets[1] as never,
        replyHandler(() => textPayload('b')),
      );
      await two.join(
        targets[2] as never,
        replyHandler(() => textPayload('c')),
      );
      const from = t.id('gatherer');
      await one.join(from, () => {});
      const result = await broadcastGather(one, {
        from,
        targets: nonEmptyArray(targets),
        payload: textPayload('?'),
        quorum: 3,
        timeoutMs: 2000,
      });
      assertEqual([result.complete, result.missing, result.failed], [true, [], []], 'complete');
      assertEqual(
        result.replies.map((r) => [r.agent, text(r.message)]).sort(),
        [
          [targets[0], 'a'],
          [targets[1], 'b'],
          [targets[2], 'c'],
        ],
        'replies',
      );
    });

    test('gather with its quorum met but a silent target returns a partial result', async (t) => {
      const mesh = await t.node();
      const [a, b, silent] = [t.id('a'), t.id('b'), t.id('silent')];
      await mesh.join(
        a,
        replyHandler(() => textPayload('a')),
      );
      await mesh.join(
        b,
        replyHandler(() => {
          throw new Error('b failed');
        }),
      );
      await mesh.join(silent, () => new Promise<void>(() => {}));
      const from = t.id('gatherer');
      await mesh.join(from, () => {});
      const result = await broadcastGather(mesh, {
        from,
        targets: nonEmptyArray([a, b, silent]),
        payload: textPayload('?'),
        timeoutMs: 100,
      });
      assertEqual(
        [
          result.complete,
          result.quorum,
          result.replies.map((r) => r.agent),
          result.failed.map((f) => f.agent),
          result.missing,
        ],
        [false, 1, [a], [b], [silent]],
        'partial result',
      );
    });

    test('gather below its quorum rejects with quorum_not_reached and the partial result', async (t) => {
      const mesh = await t.node();
      const [a, silent] = [t.id('a'), t.id('silent')];
      await mesh.join(
        a,
        replyHandler(() => textPayload('a')),
      );
      const from = t.id('gatherer');
      await mesh.join(from, () => {});
      const error = await assertRejects(
        () =>
          broadcastGather(mesh, {
            from,
            targets: nonEmptyArray([a, silent]),
            payload: textPayload('?'),
            quorum: 2,
            timeoutMs: 80,
          }),
        { code: 'quorum_not_reached' },
        'gather below quorum',
      );
      const data = (error as { data?: GatherResult }).data;
      assertEqual([data?.replies.length, data?.missing], [1, [silent]], 'partial data');
      await assertRejects(
        async () =>
          broadcastGather(mesh, {
            from,
            targets: nonEmptyArray([a]),
            payload: textPayload('?'),
            quorum: 2,
          }),
        { code: 'invalid_input' },
        'quorum above the targets',
      );
    });

    test('gather with settleOnQuorum returns as soon as the quorum replied', async (t) => {
      const mesh = await t.node();
      const [a, silent] = [t.id('a'), t.id('silent')];
      await mesh.join(
        a,
        replyHandler(() => textPayload('a')),
      );
      const from = t.id('gatherer');
      await mesh.join(from, () => {});
      const result = await broadcastGather(mesh, {
        from,
        targets: nonEmptyArray([a, silent]),
        payload: textPayload('?'),
        settleOnQuorum: true,
        timeoutMs: 60_000,
      });
      assertEqual([result.complete, result.missing], [false, [silent]], 'settled early');
    });

    test('a pipeline runs its stages in order, each transforming the payload', async (t) => {
      const [one, two] = [await t.node(), await t.node()];
      const [upper, exclaim] = [t.id('upper'), t.id('exclaim')];
      const stagesSeen: string[] = [];
      await one.join(
        upper,
        replyHandler((m) => {
          stagesSeen.push(m.headers[PIPELINE_STAGE_HEADER] ?? '');
          return textPayload(text(m).toUpperCase());
        }),
      );
      await two.join(
        exclaim,
        replyHandler((m) => {
          stagesSeen.push(m.headers[PIPELINE_STAGE_HEADER] ?? '');
          return textPayload(`${text(m)}!`);
        }),
      );
      const driver = t.id('driver');
      await one.join(driver, () => {});
      const pipeline = createPipeline({
        mesh: one,
        from: driver,
        stages: nonEmptyArray([
          { name: 'upper', agent: upper },
          { name: 'exclaim', agent: exclaim },
        ]),
      });
      const result = await pipeline.run(textPayload('hi'));
      assertEqual(
        [text(result.reply), result.stages, stagesSeen],
        ['HI!', ['upper', 'exclaim'], ['upper', 'exclaim']],
        'result',
      );
    });

    test('a failed or timed-out stage dead-letters the message with the stage named', async (t) => {
      const mesh = await t.node();
      const [ok, broken, slow] = [t.id('ok'), t.id('broken'), t.id('slow')];
      await mesh.join(
        ok,
        replyHandler((m) => m.payload),
      );
      await mesh.join(
        broken,
        replyHandler(() => {
          throw new Error('stage exploded');
        }),
      );
      await mesh.join(slow, () => new Promise<void>(() => {}));
      const driver = t.id('driver');
      await mesh.join(driver, () => {});
      for (const [agent, name, code] of [
        [broken, 'explode', 'delivery_failed'],
        [slow, 'crawl', 'mesh_timeout'],
      ] as const) {
        const pipeline = createPipeline({
          mesh,
          from: driver,
          stages: nonEmptyArray([
            { name: 'first', agent: ok },
            { name, agent, timeoutMs: 60 },
          ]),
        });
        const error = await assertRejects(
          () => pipeline.run(textPayload('x')),
          { code: 'delivery_failed' },
          `stage ${name}`,
        );
        const data = (error as { data?: { stage?: string; index?: number; deadLetterId?: string } })
          .data;
        assertEqual([data?.stage, data?.index], [name, 1], 'the stage is named');
        assert(isSkreaverError(error.cause, code), `the cause is ${code}`);
        const entry = await mesh.deadLetters.get(data?.deadLetterId ?? '');
        assertEqual(
          [entry.reason, entry.stage, entry.agent, entry.error.code, text(entry.message)],
          ['stage_failed', name, agent, code, 'x'],
          'the dead letter',
        );
      }
    });
  });
}
