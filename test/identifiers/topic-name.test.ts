import { describe, expect, it } from 'vitest';
import { safeParseTopicName, type TopicName, topicName } from '../../src/identifiers/index.js';

function rejection(input: unknown) {
  const result = safeParseTopicName(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.error;
}

describe('topicName', () => {
  it.each(['events', 'orders.created', 'team-a.tasks_v2'])('accepts %s unchanged', (input) => {
    const name: TopicName = topicName(input);
    expect(name).toBe(input);
  });

  it('allows up to 128 bytes', () => {
    expect(topicName('t'.repeat(128))).toBe('t'.repeat(128));
    expect(rejection('t'.repeat(129)).data).toMatchObject({ reason: 'too_long', maxBytes: 128 });
  });

  it.each([
    ['orders:created', ':'],
    ['orders/created', '/'],
    ['orders*', '*'],
    ['orders created', ' '],
    ['ordérs', 'é'],
  ])('rejects %j (transports build channel names with separators)', (input, char) => {
    expect(rejection(input).data).toMatchObject({ reason: 'invalid_char', char });
  });

  it('uses "A topic name" in its messages', () => {
    expect(rejection('').message).toBe('A topic name cannot be empty.');
  });
});
