import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// `skreaver/http` must run wherever Hono runs (Deno, Bun, workers): Hono and
// Web APIs only. Everything Node-specific lives in adapters/http/node/.
const root = new URL('../../../adapters/http', import.meta.url).pathname;
const files = readdirSync(root)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => join(root, name));
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const importPattern = /(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g;
const nodeGlobals = /\b(?:Buffer|process|__dirname|__filename|require|setImmediate|global)\s*[.([]/;

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('skreaver/http runtime neutrality', () => {
  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('imports only hono, the core and its own modules', () => {
    const offenders: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
        const specifier = match[1] ?? '';
        const allowed =
          specifier === 'hono' ||
          specifier.startsWith('hono/') ||
          specifier === 'skreaver' ||
          (specifier.startsWith('./') && !specifier.startsWith('./node/'));
        if (!allowed || builtins.has(specifier)) offenders.push(`${file}: ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('uses no Node-only global', () => {
    const offenders = files.filter((file) =>
      nodeGlobals.test(stripComments(readFileSync(file, 'utf8'))),
    );
    expect(offenders).toEqual([]);
  });
});
