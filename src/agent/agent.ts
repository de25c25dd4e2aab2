import type { Memory } from '../memory/memory.js';
import type { Logger } from '../observability/logger.js';
import type { Principal } from '../principal.js';
import type { ToolCall, ToolResult } from '../tools/tool.js';

/** What an agent method receives: everything explicit, nothing ambient. */
export interface AgentContext {
  /** The id the agent was added to the coordinator under. */
  readonly agentId: string;
  /** The agent's memory (the coordinator's, namespaced per agent unless configured otherwise). */
  readonly memory: Memory;
  /**
   * Aborted when the step's deadline passes or the caller gives up; its
   * `reason` is then the error the step fails with. A method still running
   * then is abandoned, so long work should watch this signal.
   */
  readonly signal: AbortSignal;
  /** Where the agent may log. */
  readonly logger: Logger;
  /** The caller on whose behalf the step runs, when known. */
  readonly principal?: Principal;
  /** 1-based number of this agent's step; 0 in `initialize` and `cleanup`. */
  readonly step: number;
  /** 0 before the first tool round, then 1, 2, ... */
  readonly round: number;
}

/** A tool call paired with what came of it, as handed to {@link Agent.handleResult}. */
export interface ToolOutcome<O = unknown> {
  /** The call the agent asked for. */
  readonly call: ToolCall;
  /** Its result. */
  readonly result: ToolResult<O>;
}

/**
 * An agent: observes input, asks for tool calls, takes their results and
 * decides on an action. The coordinator drives it; every method gets an
 * explicit {@link AgentContext}.
 *
 * @example
 * ```ts
 * const echo: Agent<string, string> = {
 *   last: '',
 *   observe(input) { this.last = input; },
 *   callTools() { return [{ name: 'text_uppercase', input: { text: this.last } }]; },
 *   handleResult({ result }) { if (result.ok) this.last = String(result.output); },
 *   act() { return `Echo: ${this.last}`; },
 * } as Agent<string, string> & { last: string };
 * ```
 */
export interface Agent<Observation = string, Action = string> {
  /** Called once when the agent is added to a coordinator. */
  initialize?(ctx: AgentContext): void | Promise<void>;
  /** Takes in the step's observation. */
  observe(observation: Observation, ctx: AgentContext): void | Promise<void>;
  /** The tool calls wanted now; an empty list ends the tool rounds. */
  callTools(ctx: AgentContext): readonly ToolCall[] | Promise<readonly ToolCall[]>;
  /** Receives one call's result (called once per call, in request order). */
  handleResult(outcome: ToolOutcome, ctx: AgentContext): void | Promise<void>;
  /** Produces the step's action once no more tools are wanted. */
  act(ctx: AgentContext): Action | Promise<Action>;
  /** Called once when the agent is removed or the coordinator closes. */
  cleanup?(ctx: AgentContext): void | Promise<void>;
}
