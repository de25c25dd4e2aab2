import fc from 'fast-check';
import { agentId, createMessage, encodeMessage, MeshError, textPayload, topicName } from 'skreaver';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from '../../../adapters/_shared/redis-availability.js';
import { parseEntry } from '../../../adapters/mesh/redis/_dead-letters.js';
import { toMeshError } from '../../../adapters/mesh/redis/_errors.js';
import { readChannelFrame, readMailboxEntry } from '../../../adapters/mesh/redis/_frames.js';

// Property tests of what this transport reads from Redis (the shared frame
// decoder has its own in fuzz/mesh-wire.fuzz.test.ts): whatever a stream
// entry or a channel holds, reading it returns a message or an invalid
// frame with a MeshError, and never throws.
const me = agentId('me');
const news = topicName('news');

const anyFrame = fc.oneof(
  fc.string(),
  fc.json(),
  fc.constantFrom(
    encodeMessage(createMessage({ kind: 'direct', to: me }, { payload: textPayload('x') })),
    encodeMessage(createMessage({ kind: 'topic', topic: news }, { payload: textPayload('x') })),
    encodeMessage(createMessage({ kind: 'broadcast' }, { payload: textPayload('x') })),
  ),
);

function isRead(read: {
  message?: unknown;
  invalid?: { raw: string; error: unknown } | undefined;
}): boolean {
  return (
    (read.message !== undefined) !==
    (read.invalid !== undefined && read.invalid.error instanceof MeshError)
  );
}

describe('reading what Redis holds', () => {
  it('a mailbox entry, whatever its fields, is a message for this mailbox or an invalid frame', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('m'), fc.string(), anyFrame)), (fields) => {
        const read = readMailboxEntry(fields, me, undefined);
        expect(isRead(read)).toBe(true);
        if (read.message !== undefined) expect(read.message.to).toBe(me);
        if (read.invalid !== undefined) expect(read.invalid.raw.length).toBeLessThanOrEqual(65_536);
      }),
    );
  });

  it('a channel frame is a message of that channel or an invalid frame', () => {
    fc.assert(
      fc.property(anyFrame, fc.boolean(), (frame, broadcast) => {
        const channel = broadcast
          ? ({ kind: 'broadcast' } as const)
          : { kind: 'topic' as const, topic: news };
        const read = readChannelFrame(frame, channel, undefined);
        expect(isRead(read)).toBe(true);
        if (read.message !== undefined)
          expect(read.message.kind).toBe(broadcast ? 'broadcast' : 'topic');
      }),
    );
  });

  it('a dead-letter entry that is not ours is skipped, never thrown on', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (json) => {
        const entry = parseEntry(json);
        expect(entry === undefined || typeof entry.id === 'string').toBe(true);
      }),
    );
  });

  it('maps connection failures to mesh_unavailable (retry) and refusals to redis_error, keeping the cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(isUnavailable(refused)).toBe(true);
    expect(isUnavailable(new Error('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(toMeshError(refused, 'enqueue')).toMatchObject({
      code: 'mesh_unavailable',
      data: { operation: 'enqueue', reason: 'unreachable' },
      cause: refused,
    });
    const wrongType = new Error(
      'WRONGTYPE Operation against a key holding the wrong kind of value',
    );
    expect(isUnavailable(wrongType)).toBe(false);
    expect(toMeshError(wrongType, 'depth')).toMatchObject({
      code: 'mesh_unavailable',
      data: { operation: 'depth', reason: 'redis_error' },
    });
    const already = new MeshError('mesh_closed', 'closed');
    expect(toMeshError(already, 'x')).toBe(already);
  });
});
