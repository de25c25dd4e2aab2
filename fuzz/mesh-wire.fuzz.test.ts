import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeshError } from '../src/errors/families.js';
import type { AgentId, TopicName } from '../src/identifiers/identifiers.js';
import { createMessage, type MessageTarget } from '../src/mesh/create-message.js';
import type { MeshMessage, MessagePayload } from '../src/mesh/message.js';
import { decodeMessage, encodeMessage, safeDecodeMessage } from '../src/mesh/wire.js';

const idChar = fc.constantFrom(...'abcXYZ019_-');
const agent = fc.string({ unit: idChar, minLength: 1, maxLength: 10 }).map((s) => s as AgentId);
const topic = fc
  .string({ unit: fc.constantFrom(...'abc09_-.'), minLength: 1, maxLength: 10 })
  .map((s) => s as TopicName);
const jsonValue = fc.json({ maxDepth: 4 }).map((text) => JSON.parse(text) as never);
const payload: fc.Arbitrary<MessagePayload> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }).map((data) => ({ type: 'text' as const, data })),
  jsonValue.map((data) => ({ type: 'json' as const, data })),
  fc.uint8Array({ maxLength: 40 }).map((data) => ({ type: 'binary' as const, data })),
);
const target: fc.Arbitrary<MessageTarget> = fc.oneof(
  fc
    .tuple(fc.constantFrom('direct', 'request', 'reply') as fc.Arbitrary<'direct'>, agent)
    .map(([kind, to]) => ({ kind, to })),
  topic.map((t) => ({ kind: 'topic' as const, topic: t })),
  fc.constant({ kind: 'broadcast' as const }),
);
const message: fc.Arbitrary<MeshMessage> = fc
  .record(
    {
      target,
      payload,
      from: agent,
      headers: fc.dictionary(
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.string({ maxLength: 8 }),
        { maxKeys: 4 },
      ),
      ttlMs: fc.integer({ min: 1, max: 1e9 }),
      correlationId: fc.string({ minLength: 1, maxLength: 20 }),
      timestamp: fc.integer({ min: 0, max: 253_402_300_799_999 }),
    },
    { requiredKeys: ['target', 'payload', 'timestamp'] },
  )
  .map(({ target: t, timestamp, ...draft }) => createMessage(t, draft, { now: () => timestamp }));

/** Frames broken in many ways, or not broken at all. */
const hostile = fc.oneof(
  message.map(encodeMessage),
  fc
    .tuple(message.map(encodeMessage), fc.nat())
    .map(([frame, cut]) => frame.slice(0, cut % (frame.length + 1))),
  fc
    .tuple(
      message.map((m) => JSON.parse(encodeMessage(m)) as Record<string, unknown>),
      fc.constantFrom(
        'v',
        'id',
        'kind',
        'route',
        'payload',
        'metadata',
        'timestamp',
        'correlation_id',
        'ttl_ms',
        'attempt',
      ),
      fc.jsonValue(),
    )
    .map(([wire, field, value]) => JSON.stringify({ ...wire, [field]: value })),
  fc.json(),
  fc.string(),
  fc.constantFrom(
    '',
    '[]',
    'null',
    '{"v":1}',
    '"x"',
    `${'['.repeat(100_000)}`,
    '{"__proto__":{"v":1}}',
  ),
  fc.anything(),
);

describe('mesh wire format', () => {
  it('decode(encode(message)) gives the message back', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeMessage(encodeMessage(m))).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it('the decoder throws nothing but MeshError, and what it accepts re-encodes to an equal message', () => {
    fc.assert(
      fc.property(hostile, (frame) => {
        let decoded: MeshMessage;
        try {
          decoded = decodeMessage(frame);
        } catch (error) {
          expect(error).toBeInstanceOf(MeshError);
          expect(['message_invalid', 'message_too_large']).toContain((error as MeshError).code);
          expect(safeDecodeMessage(frame).ok).toBe(false);
          return;
        }
        expect(decodeMessage(encodeMessage(decoded))).toEqual(decoded);
      }),
      { numRuns: 500 },
    );
  });
});
