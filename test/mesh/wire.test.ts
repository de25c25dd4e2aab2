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
});
