import { describe, expect, it } from 'vitest';
import { type AgentId, agentId, safeParseAgentId } from '../../src/identifiers/index.js';

function rejection(input: unknown) {
  const result = safeParseAgentId(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.error;
}

describe('agentId', () => {
  it.each(['echo', 'worker-1', 'Planner_2', 'a'])('accepts %s unchanged', (input) => {
    const id: AgentId = agentId(input);
    expect(id).toBe(input);
  });

  it('trims, and allows up to 128 bytes', () => {
    expect(agentId('  worker-1 ')).toBe('worker-1');
    expect(agentId('w'.repeat(128))).toBe('w'.repeat(128));
    expect(rejection('w'.repeat(129)).data).toMatchObject({
      kind: 'agent id',
      reason: 'too_long',
      bytes: 129,
      maxBytes: 128,
    });
  });

  it.each([
    ['agent.one', '.'],
    ['agent:one', ':'],
    ['agents/1', '/'],
  ])('rejects %j (no dots, colons or slashes: ids travel in URL paths)', (input, char) => {
    expect(rejection(input).data).toMatchObject({ reason: 'invalid_char', char });
  });

  it('uses "An agent id" in its messages', () => {
    expect(rejection('').message).toBe('An agent id cannot be empty.');
    expect(rejection(null).message).toBe('An agent id must be a string, got null.');
  });
});
