import type { Agent, Tool } from 'skreaver';
import { echoAgent, uppercaseTool } from './echo.js';

/** A demo agent the CLI can run, with the tools it needs. */
export interface BuiltinAgent {
  /** One line for `--help`. */
  readonly summary: string;
  /** Makes a fresh agent. */
  readonly create: () => Agent<string, string>;
  /** Tools to register for it. */
  readonly tools: readonly Tool[];
}

/** The built-in agents by name. */
export const builtinAgents: Readonly<Record<string, BuiltinAgent>> = {
  echo: {
    summary: 'Upper-cases each input line with a tool and echoes it back',
    create: echoAgent,
    tools: [uppercaseTool],
  },
};
