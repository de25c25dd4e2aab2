import { createRequire } from 'node:module';
import { builtinAgents } from './agents/index.js';
import { MEMORY_URL_FORMS } from './memory-url.js';

/** The installed package's version. */
export function packageVersion(): string {
  // The built bin (dist/cli/) and the source (cli/) sit at different depths
  // below the package root, so resolve the package by name instead.
  const require = createRequire(import.meta.url);
  return (require('skreaver/package.json') as { version: string }).version;
}

/** The text `skreaver --help` prints. */
export function helpText(): string {
  const agents = Object.entries(builtinAgents)
    .map(([name, agent]) => `  ${name.padEnd(10)} ${agent.summary}`)
    .join('\n');
  return `skreaver ${packageVersion()}: run and serve AI agents

Usage:
  skreaver run <agent> [--input TEXT] [--memory URL]
                                        run a built-in agent on stdin lines (or TEXT)
  skreaver memory export <URL>          write every entry to stdout as NDJSON
  skreaver memory import <URL> [--atomic] [--ignore-expiry]
                                        read NDJSON from stdin into the memory
  skreaver config validate <FILE> [--strict]
                                        check a TOML security policy; print every problem
  skreaver mcp [--policy FILE]          serve the standard tools to an MCP client over stdio
  skreaver serve [--config FILE] [--port N] [--memory URL]
                                        serve the built-in agents over HTTP (docs/http.md)
  skreaver --help                       show this help
  skreaver --version                    print the version

Built-in agents:
${agents}

Memory URLs (for --memory, export and import):
${MEMORY_URL_FORMS}

Examples:
  echo hello | npx skreaver run echo
  npx skreaver run echo --input "hello world" --memory file:./state.json
  npx skreaver memory export sqlite:./state.db > dump.ndjson
  npx skreaver memory import redis://localhost:6379/0?prefix=app --atomic < dump.ndjson
  npx skreaver config validate skreaver-security.toml
`;
}
