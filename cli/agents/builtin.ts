import type { Agent, Tool } from 'skreaver';

/** Where an agent may print while it works (the CLI's stdout). */
export interface AgentOutput {
  /** Writes text as is (add the line break yourself). */
  write(text: string): void;
}

/** What a built-in agent's session drives: its steps, its input and stdout. */
export interface AgentSession extends AgentOutput {
  /** Runs one coordinator step of the agent and resolves its action. */
  step(observation: string): Promise<string>;
  /** The `--input` text, when given. */
  readonly input: string | undefined;
  /** The input lines: those of `--input`, or stdin's, read only when iterated. */
  lines(): AsyncIterable<string>;
}

/** A demo agent the CLI can run, with the tools it needs. */
export interface BuiltinAgent {
  /** One line for `--help`. */
  readonly summary: string;
  /** Makes a fresh agent; `output` is where it may print as it works. */
  readonly create: (output: AgentOutput) => Agent<string, string>;
  /**
   * Loads the tools to register for it. A loader, so that a subpath such as
   * `skreaver/tools` (and its optional peer) loads only for the agents that
   * use it.
   */
  readonly tools: () => Promise<readonly Tool[]>;
  /**
   * Tool rounds one step may run (the coordinator's `maxRounds`).
   * @defaultValue 8
   */
  readonly maxRounds?: number;
  /**
   * Drives the agent.
   * @defaultValue one step per input line, printing `Agent said: <action>`
   */
  readonly session?: (session: AgentSession) => Promise<void>;
}
