import type { Agent, AgentContext, ToolCall, ToolOutcome } from 'skreaver';
import type { AgentSession } from './builtin.js';
import type { RichResult } from './reasoning-tools.js';

/** Limits of the reasoning agent (the original's `ReasoningProfile`). */
export interface ReasoningProfile {
  /** Most tool rounds per problem; then the loop guard stops it. */
  readonly maxLoopIters: number;
  /** Characters of the previous step's output quoted to `deduce` and `conclude`. */
  readonly maxPrevOutput: number;
  /** Characters of each step quoted in the chain summary given to `reflect`. */
  readonly maxChainLine: number;
  /** Characters of the whole chain summary given to `reflect`. */
  readonly maxChainSummary: number;
}

/** The original's default profile: 16 / 1024 / 512 / 2048. */
export const DEFAULT_REASONING_PROFILE: ReasoningProfile = Object.freeze({
  maxLoopIters: 16,
  maxPrevOutput: 1024,
  maxChainLine: 512,
  maxChainSummary: 2048,
});

/** The steps, in order. */
export type StepType = 'analyze' | 'deduce' | 'conclude' | 'reflect';

/** One finished step of the chain, as stored under the memory key `last_reasoning_step`. */
export interface ReasoningStep {
  readonly step_type: StepType;
  /** The problem. */
  readonly input: string;
  readonly output: string;
  readonly confidence: number;
  readonly evidence: readonly string[];
  /** `YYYY-MM-DD HH:MM:SS UTC`. */
  readonly timestamp: string;
}

/** Options of {@link reasoningAgent}. */
export interface ReasoningAgentOptions {
  /** @defaultValue {@link DEFAULT_REASONING_PROFILE} */
  readonly profile?: ReasoningProfile;
  /** Called as each step completes (the CLI prints it). @defaultValue nothing */
  readonly onStep?: (step: ReasoningStep) => void;
  /** The clock for step timestamps. @defaultValue `() => new Date()` */
  readonly now?: () => Date;
}

const STEPS: readonly StepType[] = ['analyze', 'deduce', 'conclude', 'reflect'];
const EMOJI: Readonly<Record<StepType, string>> = {
  analyze: '🔍',
  deduce: '🧠',
  conclude: '💡',
  reflect: '🤔',
};
/** How many recent steps the chain summary for `reflect` quotes. */
const SUMMARY_STEPS = 5;

/** Keeps the first `max` characters (code points) and marks the cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}... [truncated]`;
}

/** The original's confidence guess for a step whose output is plain text. */
export function guessConfidence(output: string): number {
  const text = output.toLowerCase();
  if (text.includes('very confident') || text.includes('certain')) return 0.9;
  if (text.includes('confident')) return 0.8;
  if (text.includes('likely')) return 0.7;
  if (text.includes('uncertain') || text.includes('maybe')) return 0.5;
  return 0.6;
}

function isRichResult(value: unknown): value is RichResult {
  const record = value as Partial<Record<keyof RichResult, unknown>> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.summary === 'string' &&
    typeof record.confidence === 'number' &&
    Array.isArray(record.evidence) &&
    record.evidence.every((item) => typeof item === 'string')
  );
}

/** A tool's output as (text, confidence, evidence): a RichResult object or JSON text, else plain text. */
function readOutput(output: unknown): RichResult {
  if (isRichResult(output)) return output;
  const text = typeof output === 'string' ? output : JSON.stringify(output);
  if (typeof output === 'string') {
    try {
      const parsed: unknown = JSON.parse(output);
      if (isRichResult(parsed)) return parsed;
    } catch {
      // Plain text: fall through to the keyword guess.
    }
  }
  return { summary: text, confidence: guessConfidence(text), evidence: [] };
}

function timestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The line the CLI prints for a finished step. */
export function formatStep(step: ReasoningStep): string {
  const { step_type: type, confidence, evidence, output } = step;
  return `  ${EMOJI[type]} ${type.toUpperCase()} (conf ${confidence.toFixed(2)}, evidence ${evidence.length}): ${output}\n`;
}

/**
 * The reasoning demo agent: each observation is a problem worked through
 * four tool calls in order (`analyze`, `deduce`, `conclude`, `reflect`),
 * each fed the problem and clipped earlier output. A failed call is asked
 * again; a missing tool stops the chain; after `maxLoopIters` rounds the
 * loop guard stops it. `act` answers `Final Answer (<n> steps): <last
 * output>` once the chain is complete, else `In progress`.
 *
 * Memory: `current_problem`, `reasoning_chain` (the steps so far as JSON)
 * and `last_reasoning_step`.
 */
export function reasoningAgent(options: ReasoningAgentOptions = {}): Agent<string, string> {
  const profile = options.profile ?? DEFAULT_REASONING_PROFILE;
  const now = options.now ?? (() => new Date());
  let problem = '';
  let chain: ReasoningStep[] = [];
  let rounds = 0;
  let stopped = true;

  const inputFor = (type: StepType): string => {
    const last = chain.at(-1)?.output ?? '';
    if (type === 'analyze') return problem;
    if (type === 'deduce') {
      return `Problem: '${problem}'\nPrevious analysis: '${clip(last, profile.maxPrevOutput)}'`;
    }
    if (type === 'conclude') {
      return `Problem: '${problem}'\nPrevious deduction: '${clip(last, profile.maxPrevOutput)}'`;
    }
    const summary = chain
      .slice(-SUMMARY_STEPS)
      .map((step) => `${step.step_type}: ${clip(step.output, profile.maxChainLine)}`)
      .join('\n');
    return `Problem: '${problem}'\nReasoning chain:\n${clip(summary, profile.maxChainSummary)}`;
  };

  return {
    async observe(observation: string, ctx: AgentContext) {
      problem = observation;
      chain = [];
      rounds = 0;
      stopped = false;
      await ctx.memory.storeMany([
        { key: 'current_problem', value: problem },
        { key: 'reasoning_chain', value: '[]' },
      ]);
    },
    callTools(ctx: AgentContext): ToolCall[] {
      const next = STEPS[chain.length];
      if (stopped || next === undefined) return [];
      if (rounds >= profile.maxLoopIters) {
        ctx.logger.warn(`Reasoning loop guard triggered at ${rounds}`, { agent: ctx.agentId });
        stopped = true;
        return [];
      }
      rounds++;
      return [{ name: next, input: inputFor(next) }];
    },
    async handleResult({ call, result }: ToolOutcome, ctx: AgentContext) {
      if (!result.ok) {
        if (result.error.code === 'tool_not_found') {
          ctx.logger.error('Tool not found in registry', { tool: call.name });
          stopped = true;
        }
        return; // any other failure: the same step is asked for again
      }
      const { summary, confidence, evidence } = readOutput(result.output);
      const step: ReasoningStep = {
        step_type: call.name as StepType,
        input: problem,
        output: summary,
        confidence,
        evidence: [...evidence],
        timestamp: timestamp(now()),
      };
      chain.push(step);
      options.onStep?.(step);
      await ctx.memory.storeMany([
        { key: 'last_reasoning_step', value: JSON.stringify(step) },
        { key: 'reasoning_chain', value: JSON.stringify(chain) },
      ]);
    },
    act() {
      const last = chain.at(-1);
      return chain.length === STEPS.length && last !== undefined
        ? `Final Answer (${chain.length} steps): ${last.output}`
        : 'In progress';
    },
  };
}

/** What the REPL prints around each problem. */
const BANNER = "🧠 Reasoning Agent Started\nEnter problems to solve (type 'quit' to exit):\n";
const PROMPT = '\n🤔 Problem: ';
const RULE = '─'.repeat(50);

/**
 * The reasoning REPL: prompts for a problem per line, prints each step and
 * the final answer; blank lines are skipped, `quit` stops, and so does the
 * end of input (after a line break, so the prompt does not dangle).
 */
export async function reasoningSession(session: AgentSession): Promise<void> {
  session.write(BANNER);
  session.write(PROMPT);
  for await (const line of session.lines()) {
    const problem = line.trim();
    if (problem === 'quit') return;
    if (problem !== '') {
      session.write('\n🔍 Reasoning Process:\n');
      const answer = await session.step(problem);
      session.write(`\n✅ ${answer}\n${RULE}\n`);
    }
    session.write(PROMPT);
  }
  session.write('\n');
}
