import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agentId,
  binaryPayload,
  createMessage,
  decodeMessage,
  encodeMessage,
  isSkreaverError,
  jsonPayload,
  safeDecodeMessage,
  textPayload,
  topicName,
} from '../../src/index.js';
import { encodeWireText, isoTimestamp } from '../../src/mesh/_wire-encode.js';
import type { MeshMessage } from '../../src/mesh/message.js';
import { encodeWireObject } from '../../src/mesh/wire.js';

const ID = '550e8400-e29b-41d4-a716-446655440000';
const at = () => Date.parse('2026-01-01T12:00:00.123Z');
const [a, b] = [agentId('a'), agentId('b')];

function wire(overrides: Record<string, unknown> = {}): string {
  const base = JSON.parse(
    encodeMessage(
      createMessage(
        { kind: 'direct', to: b },
        { id: ID, from: a, payload: textPayload('x') },
        { now: at },
      ),
    ),
  ) as Record<string, unknown>;
  return JSON.stringify({ ...base, ...overrides });
}

function reasonOf(frame: unknown): string {
  const result = safeDecodeMessage(frame, { maxPayloadBytes: 16 });
  if (result.ok) return 'ok';
  const data = result.error.data as { reason?: string } | undefined;
  return data?.reason ?? result.error.code;
}

describe('mesh wire format', () => {
  it('writes the original field layout and payload encodings', () => {
    const message = createMessage(
      { kind: 'request', to: b },
      { id: ID, from: a, payload: textPayload('hello world'), headers: { priority: 'high' } },
      { now: at },
    );
    expect(JSON.parse(encodeMessage(message))).toEqual({
      v: 1,
      id: ID,
      kind: 'request',
      route: { unicast: { from: 'a', to: 'b' } },
      payload: { type: 'text', data: 'hello world' },
      metadata: { priority: 'high' },
      timestamp: '2026-01-01T12:00:00.123Z',
      correlation_id: null,
      ttl_ms: null,
      attempt: 1,
    });
    const encode = (p: ReturnType<typeof textPayload>) =>
      JSON.stringify(
        JSON.parse(encodeMessage(createMessage({ kind: 'broadcast' }, { payload: p }))).payload,
      );
    expect(encode(jsonPayload({ x: 42 }))).toBe('{"type":"json","data":{"x":42}}');
    expect(encode(binaryPayload(new Uint8Array([255, 0, 128])))).toBe(
      '{"type":"binary","data":"/wCA"}',
    );
    expect(encode(binaryPayload(new Uint8Array([1, 2, 3, 4, 5])))).toBe(
      '{"type":"binary","data":"AQIDBAU="}',
    );
  });

  it('encodes each route variant and reads it back', () => {
    const cases = [
      [{ kind: 'direct', to: b }, { from: a }, { unicast: { from: 'a', to: 'b' } }],
      [{ kind: 'reply', to: b }, {}, { system: { to: 'b' } }],
      [
        { kind: 'topic', topic: topicName('t.x') },
        { from: a },
        { topic: { from: 'a', topic: 't.x' } },
      ],
      [{ kind: 'topic', topic: topicName('t') }, {}, { topic: { topic: 't' } }],
      [{ kind: 'broadcast' }, { from: a }, { broadcast: { from: 'a' } }],
      [{ kind: 'broadcast' }, {}, 'anonymous'],
    ] as const;
    for (const [target, draft, route] of cases) {
      const message = createMessage(target, {
        ...draft,
        payload: textPayload('x'),
        ttlMs: 5,
        correlationId: 'c-1',
      });
      const frame = encodeMessage(message);
      expect(JSON.parse(frame).route).toEqual(route);
      expect(decodeMessage(frame)).toEqual(message);
    }
  });

  it('rejects every kind of bad frame with a reason', () => {
    expect(reasonOf(wire())).toBe('ok');
    expect(reasonOf(42)).toBe('malformed_json');
    expect(reasonOf('{"a":')).toBe('malformed_json');
    expect(reasonOf('[1]')).toBe('malformed_json');
    expect(reasonOf(wire({ v: 2 }))).toBe('unknown_version');
    expect(reasonOf(wire({ v: undefined }))).toBe('unknown_version');
    for (const field of ['id', 'kind', 'route', 'payload', 'timestamp']) {
      expect(reasonOf(wire({ [field]: null }))).toBe('missing_field');
    }
    expect(reasonOf(wire({ id: 'not-a-uuid' }))).toBe('invalid_field');
    expect(reasonOf(wire({ kind: 'shout' }))).toBe('invalid_field');
    expect(reasonOf(wire({ kind: 'topic' }))).toBe('invalid_field');
    expect(reasonOf(wire({ route: { unicast: { to: 'b' } } }))).toBe('invalid_field');
    expect(reasonOf(wire({ route: { system: { from: 'a', to: 'b' } } }))).toBe('invalid_field');
    expect(reasonOf(wire({ route: { unicast: { from: 'a', to: ' b' } } }))).toBe('invalid_field');
    expect(reasonOf(wire({ route: { unicast: { from: 'a', to: 'b' }, extra: {} } }))).toBe(
      'invalid_field',
    );
    expect(reasonOf(wire({ kind: 'broadcast', route: { broadcast: {} } }))).toBe('invalid_field');
    expect(reasonOf(wire({ kind: 'topic', route: { topic: { topic: 'a:b' } } }))).toBe(
      'invalid_field',
    );
    expect(reasonOf(wire({ payload: { type: 'binary', data: 'AQI' } }))).toBe('invalid_payload');
    expect(reasonOf(wire({ payload: { type: 'binary', data: 'AQJ=' } }))).toBe('invalid_payload');
    expect(reasonOf(wire({ payload: { type: 'text', data: 1 } }))).toBe('invalid_payload');
    expect(reasonOf(wire({ payload: { type: 'text', data: 'x'.repeat(17) } }))).toBe(
      'message_too_large',
    );
    expect(reasonOf(wire({ metadata: { k: 1 } }))).toBe('invalid_field');
    expect(reasonOf(wire({ metadata: [] }))).toBe('invalid_field');
    expect(reasonOf(wire({ timestamp: '2026-01-01' }))).toBe('invalid_field');
    expect(reasonOf(wire({ timestamp: '2026-13-01T00:00:00Z' }))).toBe('invalid_field');
    expect(reasonOf(wire({ correlation_id: '' }))).toBe('invalid_field');
    expect(reasonOf(wire({ ttl_ms: 0 }))).toBe('invalid_field');
    expect(reasonOf(wire({ attempt: 1.5 }))).toBe('invalid_field');
    expect(reasonOf('x'.repeat(200_000))).toBe('message_too_large');
  });

  it('reads nanosecond timestamps and offsets, ignores unknown fields, defaults optional ones', () => {
    const m = decodeMessage(
      wire({
        timestamp: '2025-10-31T12:00:00.123456789+01:00',
        metadata: undefined,
        attempt: undefined,
        future: 1,
      }),
    );
    expect(m.timestamp).toBe(Date.parse('2025-10-31T11:00:00.123Z'));
    expect([m.headers, m.attempt]).toEqual([{}, 1]);
    expect('future' in m).toBe(false);
  });

  it('never throws anything but MeshError, even on deep nesting', () => {
    const result = safeDecodeMessage(`${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    expect(result.ok).toBe(false);
    const deep = wire({
      payload: { type: 'json', data: JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`) },
    });
    expect(() => decodeMessage(deep)).toThrow(expect.objectContaining({ code: 'message_invalid' }));
    try {
      decodeMessage(deep);
    } catch (error) {
      expect(isSkreaverError(error, 'message_invalid')).toBe(true);
    }
  });

  it('writes the timestamp exactly as toISOString does', () => {
    const edges = [0, 1, 999, 86_399_999, 86_400_000, 951_782_400_000, 4_107_542_399_999];
    for (const ms of [...edges, 253_402_300_799_999, Date.UTC(2000, 1, 29, 23, 59, 59, 9)]) {
      expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
    // Outside the fast range (and for fractions), the Date path: the same text or the same error.
    expect(isoTimestamp(-1)).toBe(new Date(-1).toISOString());
    expect(isoTimestamp(1.7)).toBe(new Date(1.7).toISOString());
    expect(isoTimestamp(253_402_300_800_000)).toBe(new Date(253_402_300_800_000).toISOString());
    expect(() => isoTimestamp(Number.NaN)).toThrow(RangeError);
  });

  it('writes byte for byte what JSON.stringify of the wire object gives', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const agentLike = fc.oneof(fc.constantFrom('a', 'pong', 'x_y-z.0'), text);
    const messages = fc
      .record({
        kind: fc.constantFrom('direct', 'request', 'reply', 'topic', 'broadcast'),
        id: fc.oneof(fc.uuid(), text),
        from: fc.option(agentLike, { nil: undefined }),
        to: agentLike,
        topic: agentLike,
        payload: fc.oneof(
          text.map((data) => textPayload(data)),
          fc.json({ maxDepth: 3 }).map((json) => jsonPayload(JSON.parse(json))),
          fc.uint8Array({ maxLength: 12 }).map((bytes) => binaryPayload(bytes)),
          fc.constant({ type: 'text', data: 'x', extra: 1 }),
        ),
        headers: fc.dictionary(text, text, { maxKeys: 3 }),
        timestamp: fc.oneof(
          fc.integer({ min: 0, max: 253_402_300_799_999 }),
          fc.constantFrom(-5, 1.5, 253_402_300_800_001),
        ),
        correlationId: fc.option(text, { nil: undefined }),
        ttlMs: fc.option(fc.oneof(fc.nat(), fc.constantFrom(1.5, Number.NaN)), { nil: undefined }),
        attempt: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constant(Number.POSITIVE_INFINITY)),
      })
      .map((fields) => {
        const message: Record<string, unknown> = { ...fields };
        for (const key of Object.keys(message)) if (message[key] === undefined) delete message[key];
        if (fields.kind !== 'topic') delete message.topic;
        if (fields.kind === 'topic' || fields.kind === 'broadcast') delete message.to;
        return message as unknown as MeshMessage;
      });
    fc.assert(
      fc.property(messages, (message) => {
        expect(encodeMessage(message)).toBe(encodeWireObject(message));
      }),
      { numRuns: 5_000 },
    );
  });

  it('writes every valid route itself and leaves odd shapes to JSON.stringify', () => {
    const topic = topicName('news');
    const valid: MeshMessage[] = [];
    for (const from of [a, undefined]) {
      const sender = from === undefined ? {} : { from };
      valid.push(
        createMessage({ kind: 'topic', topic }, { ...sender, payload: textPayload('t') }),
        createMessage({ kind: 'broadcast' }, { ...sender, payload: jsonPayload({ n: 1 }) }),
        createMessage(
          { kind: 'direct', to: b },
          { ...sender, payload: binaryPayload(new Uint8Array([1])) },
        ),
        createMessage({ kind: 'request', to: b }, { ...sender, payload: textPayload('q') }),
        createMessage({ kind: 'reply', to: b }, { ...sender, payload: textPayload('r') }),
      );
    }
    for (const message of valid) {
      // The fast writer takes every well-formed message, with the same bytes.
      expect(encodeWireText(message, 1)).toBe(encodeWireObject(message));
    }
    const [direct, topical] = [valid[2], valid[0]] as [MeshMessage, MeshMessage];
    const odd: Record<string, unknown>[] = [
      { ...direct, from: 42 },
      { ...direct, to: null },
      { ...topical, topic: 7 },
      { ...direct, kind: 'bogus' },
      { ...direct, id: 5 },
      { ...direct, headers: null },
      { ...direct, payload: null },
      { ...direct, timestamp: '2026' },
      { ...direct, attempt: Number.NaN },
      { ...direct, ttlMs: Number.POSITIVE_INFINITY },
      { ...direct, correlationId: 3 },
    ];
    for (const message of odd)
      expect(encodeWireText(message as unknown as MeshMessage, 1)).toBeUndefined();
  });
});
