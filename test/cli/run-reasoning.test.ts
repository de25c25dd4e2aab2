import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  createCoordinator,
  createToolRegistry,
  defineTool,
  inMemoryMemory,
  type Logger,
  type Tool,
} from 'skreaver';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clip,
  DEFAULT_REASONING_PROFILE,
  guessConfidence,
  type ReasoningStep,
  reasoningAgent,
} from '../../cli/agents/reasoning.js';
import { reasoningTools } from '../../cli/agents/reasoning-tools.js';
import { main } from '../../cli/main.js';
import { capture, runCli } from '../_support/cli.js';

const BANNER = ['🧠 Reasoning Agent Started', "Enter problems to solve (type 'quit' to exit):", ''];
const PROMPT = '🤔 Problem: ';
const RULE = '─'.repeat(50);

const ANALYZE =
  "Problem Analysis: Breaking down '2+2' into core components. Identifying key elements, constraints, and required approach for systematic resolution.";
const DEDUCE = `Logical Deduction: From the analysis of 'Problem: '2+2'\nPrevious analysis: '${ANALYZE}'', applying reasoning principles and domain knowledge to derive intermediate conclusions and logical steps toward solution.`;
const CONCLUDE = `Conclusion Synthesis: Integrating analysis and deduction from 'Problem: '2+2'\nPrevious deduction: '${DEDUCE}'' to form coherent conclusions. Evaluating completeness and logical consistency of reasoning.`;
// The chain summary quotes each step cut to 512 characters: CONCLUDE is longer.
const CONCLUDE_LINE = `${CONCLUDE.slice(0, 512)}... [truncated]`;
const REFLECT = `Reflective Analysis: Examining the complete reasoning process for 'Problem: '2+2'\nReasoning chain:\nanalyze: ${ANALYZE}\ndeduce: ${DEDUCE}\nconclude: ${CONCLUDE_LINE}'. Identifying strengths, potential gaps, and confidence in final conclusions. Meta-cognitive evaluation of solution quality.`;

/** What one problem prints after its prompt. */
const ANSWER_2_PLUS_2 = [
  '',
  '🔍 Reasoning Process:',
  `  🔍 ANALYZE (conf 0.75, evidence 0): ${ANALYZE}`,
  `  🧠 DEDUCE (conf 0.80, evidence 1): ${DEDUCE}`,
  `  💡 CONCLUDE (conf 0.85, evidence 2): ${CONCLUDE}`,
  `  🤔 REFLECT (conf 0.90, evidence 3): ${REFLECT}`,
  '',
  `✅ Final Answer (4 steps): ${REFLECT}`,
  RULE,
  '',
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'skreaver-cli-reasoning-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('skreaver run reasoning', () => {
  it('works a problem through four steps and stops at quit', async () => {
    const r = await runCli(['run', 'reasoning'], '2+2\nquit\nnever read\n');
    expect(r).toEqual({
      code: 0,
      stdout: `${BANNER.join('\n')}\n${PROMPT}${ANSWER_2_PLUS_2}\n${PROMPT}`,
      stderr: '',
    });
    expect(CONCLUDE.length).toBeGreaterThan(512);
  });

  it('skips blank lines, trims the problem, and ends cleanly at the end of input', async () => {
    const r = await runCli(['run', 'reasoning'], '\n   \n  2+2  \n');
    expect(r).toEqual({
      code: 0,
      stdout: `${BANNER.join('\n')}\n${PROMPT}\n${PROMPT}\n${PROMPT}${ANSWER_2_PLUS_2}\n${PROMPT}\n`,
      stderr: '',
    });
  });

  it('returns at quit while stdin stays open, and stops reading it', async () => {
    const stdin = new Readable({ read() {} });
    stdin.push('quit\n');
    const out = capture();
    const code = await main(['run', 'reasoning'], {
      stdin,
      stdout: out.stream,
      stderr: out.stream,
    });
    expect(code).toBe(0);
    expect(out.text()).toBe(`${BANNER.join('\n')}\n${PROMPT}`);
    // A flowing stdin would keep the real process alive until the other end closed it.
    expect(stdin.isPaused()).toBe(true);
  });

  it('prints only the banner and a prompt on empty input (the original spun forever)', async () => {
    expect(await runCli(['run', 'reasoning'], '')).toEqual({
      code: 0,
      stdout: `${BANNER.join('\n')}\n${PROMPT}\n`,
      stderr: '',
    });
  });

  it('answers each problem afresh, the steps in order with their confidences', async () => {
    const r = await runCli(['run', 'reasoning', '--input', 'first\nsecond\nquit']);
    const steps = r.stdout.split('\n').filter((line) => line.startsWith('  '));
    expect(steps.map((line) => line.slice(0, 40).replace(/: .*$/, ''))).toEqual([
      '  🔍 ANALYZE (conf 0.75, evidence 0)',
      '  🧠 DEDUCE (conf 0.80, evidence 1)',
      '  💡 CONCLUDE (conf 0.85, evidence 2)',
      '  🤔 REFLECT (conf 0.90, evidence 3)',
      '  🔍 ANALYZE (conf 0.75, evidence 0)',
      '  🧠 DEDUCE (conf 0.80, evidence 1)',
      '  💡 CONCLUDE (conf 0.85, evidence 2)',
      '  🤔 REFLECT (conf 0.90, evidence 3)',
    ]);
    const answers = r.stdout.split('\n').filter((line) => line.startsWith('✅ '));
    expect(answers).toEqual([
      "✅ Final Answer (4 steps): Reflective Analysis: Examining the complete reasoning process for 'Problem: 'first'",
      "✅ Final Answer (4 steps): Reflective Analysis: Examining the complete reasoning process for 'Problem: 'second'",
    ]);
  });

  it('keeps the problem and the chain in file memory with --memory file:PATH', async () => {
    const url = `file:${join(dir, 'reasoning.json')}`;
    expect((await runCli(['run', 'reasoning', '--memory', url], '2+2\n')).code).toBe(0);
    const entries = (await runCli(['memory', 'export', url])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { key: string; value: string });
    const byKey = new Map(entries.map((entry) => [entry.key, entry.value]));
    expect([...byKey.keys()].sort()).toEqual([
      'reasoning:current_problem',
      'reasoning:last_reasoning_step',
      'reasoning:reasoning_chain',
    ]);
    expect(byKey.get('reasoning:current_problem')).toBe('2+2');
    const chain = JSON.parse(byKey.get('reasoning:reasoning_chain') ?? '[]') as ReasoningStep[];
    expect(chain.map((step) => step.step_type)).toEqual([
      'analyze',
      'deduce',
      'conclude',
      'reflect',
    ]);
    const last = JSON.parse(byKey.get('reasoning:last_reasoning_step') ?? '{}') as ReasoningStep;
    expect(last).toMatchObject({
      step_type: 'reflect',
      input: '2+2',
      output: REFLECT,
      confidence: 0.9,
    });
    expect(last.evidence).toEqual([
      'Complete reasoning chain reviewed',
      'Meta-cognitive analysis applied',
      'Process completeness: Complete',
    ]);
    expect(last.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });
});

/** A coordinator running one reasoning agent on the given tools, with its log and steps. */
async function drive(tools: readonly Tool[], problem: string) {
  const log: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (message) => log.push(`warn: ${message}`),
    error: (message) => log.push(`error: ${message}`),
  };
  const registry = createToolRegistry();
  for (const tool of tools) registry.register(tool);
  const steps: ReasoningStep[] = [];
  const called: string[] = [];
  const coordinator = createCoordinator<string, string>({
    registry,
    logger,
    memory: inMemoryMemory(),
    maxRounds: DEFAULT_REASONING_PROFILE.maxLoopIters,
  });
  coordinator.on('tool.called', (event) => {
    called.push(event.call.name);
  });
  await coordinator.add('r', reasoningAgent({ onStep: (step) => steps.push(step) }));
  const answer = await coordinator.step('r', problem);
  await coordinator.close();
  await registry.close();
  return { answer, steps, called, log };
}

function replace(name: string, call: (input: string) => unknown): Tool[] {
  return reasoningTools.map((tool) =>
    tool.name === name
      ? defineTool({ name, description: 'stand-in', inputSchema: { type: 'string' }, call })
      : tool,
  );
}

describe('the reasoning agent', () => {
  it('asks for nothing before a problem and for analyze, deduce, conclude, reflect after', async () => {
    const agent = reasoningAgent();
    const ctx = { logger: { warn() {} } } as never;
    expect(agent.callTools(ctx)).toEqual([]);
    expect(agent.act(ctx)).toBe('In progress');
    const { called, steps } = await drive(reasoningTools, 'p');
    expect(called).toEqual(['analyze', 'deduce', 'conclude', 'reflect']);
    expect(steps.map((step) => step.confidence)).toEqual([0.75, 0.8, 0.85, 0.9]);
  });

  it('asks for the same step again after a failure', async () => {
    let failures = 2;
    const flaky = replace('deduce', (input) => {
      if (failures-- > 0) throw new Error('not now');
      return { summary: `ok ${input.length}`, confidence: 0.5, evidence: [] };
    });
    const { called, answer } = await drive(flaky, 'p');
    expect(called).toEqual(['analyze', 'deduce', 'deduce', 'deduce', 'conclude', 'reflect']);
    expect(answer).toMatch(/^Final Answer \(4 steps\): Reflective Analysis/);
  });

  it('accepts plain-text output with a guessed confidence', async () => {
    const plain = replace('analyze', () => 'This is likely the case.');
    const { steps } = await drive(plain, 'p');
    expect(steps[0]).toMatchObject({
      output: 'This is likely the case.',
      confidence: 0.7,
      evidence: [],
    });
    const json = replace('analyze', () => '{"summary":"s","confidence":0.95,"evidence":["e"]}');
    expect((await drive(json, 'p')).steps[0]).toMatchObject({
      output: 's',
      confidence: 0.95,
      evidence: ['e'],
    });
    expect([
      guessConfidence('I am very confident'),
      guessConfidence('Certain.'),
      guessConfidence('confident'),
      guessConfidence('maybe'),
      guessConfidence('uncertain'), // contains "certain", as in the original
      guessConfidence('no idea'),
    ]).toEqual([0.9, 0.9, 0.8, 0.5, 0.9, 0.6]);
  });

  it('stops at the loop guard when a step never succeeds', async () => {
    const broken = replace('conclude', () => {
      throw new Error('never');
    });
    const { called, answer, log } = await drive(broken, 'p');
    expect(called).toHaveLength(DEFAULT_REASONING_PROFILE.maxLoopIters);
    expect(called.filter((name) => name === 'conclude')).toHaveLength(14);
    expect(answer).toBe('In progress');
    expect(log).toEqual(['warn: Reasoning loop guard triggered at 16']);
  });

  it('stops at once when a step has no tool', async () => {
    const missing = reasoningTools.filter((tool) => tool.name !== 'deduce');
    const { called, answer, log } = await drive(missing, 'p');
    expect(called).toEqual(['analyze', 'deduce']);
    expect(answer).toBe('In progress');
    expect(log).toEqual(['error: Tool not found in registry']);
  });

  it('clips by characters and marks the cut', () => {
    expect(clip('abcdef', 6)).toBe('abcdef');
    expect(clip('abcdef', 3)).toBe('abc... [truncated]');
    expect(clip('😀😀😀', 2)).toBe('😀😀... [truncated]');
    expect(DEFAULT_REASONING_PROFILE).toEqual({
      maxLoopIters: 16,
      maxPrevOutput: 1024,
      maxChainLine: 512,
      maxChainSummary: 2048,
    });
  });
});

describe('the built skreaver bin', () => {
  const bin = new URL('../../dist/cli/index.js', import.meta.url).pathname;

  it('runs reasoning from a real process and exits 0 at quit and at the end of input', () => {
    for (const input of ['2+2\nquit\n', '2+2\n']) {
      const r = spawnSync(process.execPath, [bin, 'run', 'reasoning'], {
        input,
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`${PROMPT}${ANSWER_2_PLUS_2}`);
    }
  });

  it('exits at quit although stdin is still open', async () => {
    const child = spawn(process.execPath, [bin, 'run', 'reasoning'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.write('quit\n');
    try {
      // Not a timing threshold: the vitest timeout only bounds a hang.
      expect(await exited).toBe(0);
    } finally {
      child.stdin.end();
      child.kill();
    }
  });
});
