import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// `skreaver/tools` (the HTTP tools over fetch included) must run on browsers,
// Deno, Bun and workers: no Node built-in and no Node-only global outside
// adapters/tools/node/, and nothing from the Node-only subpaths.
const root = new URL('../../adapters/tools', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const importPattern = /(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g;
const nodeGlobals = /\b(?:Buffer|process|__dirname|__filename|require|setImmediate|global)\s*[.([]/;

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('skreaver/tools runtime neutrality', () => {
  const files = sourceFiles(root);

  it('checks the HTTP tools among the files', () => {
    expect(files.map((file) => relative(root, file))).toContain('http/http-tools.ts');
  });

  it('imports no Node built-in and no Node-only subpath', () => {
    const offenders: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
        const specifier = match[1] ?? '';
        if (builtins.has(specifier) || specifier.endsWith('/node')) {
          offenders.push(`${relative(root, file)}: ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('uses no Node-only global', () => {
    const offenders = files
      .filter((file) => nodeGlobals.test(stripComments(readFileSync(file, 'utf8'))))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
