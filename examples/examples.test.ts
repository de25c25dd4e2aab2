import { describe, expect, it } from 'vitest';
import { main as echoAgent } from './echo-agent.js';
import { main as memoryTransactions } from './memory-transactions.js';

// Every example in docs/ is real code, run here so it cannot rot.
describe('examples', () => {
  it('echo-agent steps an agent through a tool and memory', async () => {
    expect(await echoAgent(['hello', 'agents'])).toEqual([
      'Echo: HELLO',
      'Echo: AGENTS',
      'remembered: agents',
      'tools: text_uppercase,text_uppercase',
    ]);
  });

  it('memory-transactions keeps failed transactions out and restores snapshots', async () => {
    expect(await memoryTransactions()).toEqual({
      failedWith: 'transaction_failed',
      total: 70,
      keys: ['balance'],
      restored: '70',
    });
  });
});
