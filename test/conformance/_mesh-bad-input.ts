import type { MeshError } from 'skreaver';
import { createMessage, encodeMessage, textPayload } from 'skreaver';
import { assertEqual, sleep } from './_assert.js';
import { type MeshSuiteContext, text } from './_mesh-context.js';

/** Frames a broken or foreign node could write: each is dead-lettered or reported, and consumers keep running. */
export function defineBadInputTests(suite: MeshSuiteContext): void {
  const { test } = suite;
  suite.runner.describe('bad input on the wire', () => {
    test('malformed, unversioned, incomplete and oversized mailbox frames are dead-lettered with a reason', async (t) => {
      const raw = t.raw;
      if (raw === undefined) return; // capability: the transport gives no way to write raw frames
      const mesh = await t.node({ limits: { maxPayloadBytes: 1024 } });
      const b = t.id('b');
      const { handler, got } = t.recorder();
      const invalid: string[] = [];
      mesh.on('message_invalid', (e) => {
        if (e.agent === b)
          invalid.push((e.error.data as { reason?: string } | undefined)?.reason ?? e.error.code);
      });
      await mesh.join(b, handler);
      const good = JSON.parse(
        encodeMessage(createMessage({ kind: 'direct', to: b }, { payload: textPayload('ok') })),
      ) as Record<string, unknown>;
      const frames = [
        '{not json',
        JSON.stringify({ ...good, v: 99 }),
        JSON.stringify({ ...good, payload: undefined }),
        JSON.stringify({ ...good, route: { unicast: { from: 'a:b', to: b } } }),
        JSON.stringify({ ...good, payload: { type: 'text', data: 'x'.repeat(2000) } }),
      ];
      for (const frame of frames) await raw.mailbox(b, frame);
      await raw.mailbox(
        b,
        encodeMessage(createMessage({ kind: 'direct', to: b }, { payload: textPayload('after') })),
      );
      await t.waitFor(() => got.length === 1, 'the valid message after the bad ones');
      assertEqual(text(got[0]), 'after', 'the consumer kept running');
      await t.waitFor(
        async () => (await mesh.deadLetters.list({ agent: b })).length === 5,
        'five dead letters',
      );
      const entries = await mesh.deadLetters.list({ agent: b });
      assertEqual(
        entries.map((e) => e.reason),
        Array(5).fill('invalid'),
        'reasons',
      );
      assertEqual(
        entries.map((e) => e.error.code),
        [
          'message_invalid',
          'message_invalid',
          'message_invalid',
          'message_invalid',
          'message_too_large',
        ],
        'codes',
      );
      assertEqual(entries[0]?.raw, '{not json', 'the raw frame is kept');
      assertEqual(
        invalid,
        [
          'malformed_json',
          'unknown_version',
          'missing_field',
          'invalid_field',
          'message_too_large',
        ],
        'message_invalid events',
      );
    });

    test('a malformed frame on a topic is reported and the subscriber keeps receiving', async (t) => {
      const raw = t.raw;
      if (raw === undefined) return; // capability: no raw frames
      const mesh = await t.node();
      const topic = t.topic('news');
      const errors: MeshError[] = [];
      mesh.on('message_invalid', (e) => {
        if (e.topic === topic) errors.push(e.error);
      });
      const { handler, got } = t.recorder();
      await mesh.subscribe(topic, handler);
      await raw.topic(topic, '[1,2,');
      await raw.topic(topic, JSON.stringify({ v: 1 }));
      await mesh.publish(topic, { payload: textPayload('fine') });
      await t.waitFor(
        () => got.length === 1 && errors.length === 2,
        'the valid message and two reports',
      );
      assertEqual(
        errors.map((e) => e.code),
        ['message_invalid', 'message_invalid'],
        'codes',
      );
      await sleep(10);
      assertEqual(got.length, 1, 'nothing invalid reached the handler');
    });
  });
}
