import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The package's public surface as a user's bundler and Node see it. A change
// here is a change for every user: it must be deliberate (and come with an
// API report and a changeset).
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string;
  type: string;
  sideEffects: boolean;
  engines: { node: string };
  dependencies?: Record<string, string>;
  exports: Record<string, unknown>;
  bin: Record<string, string>;
};

describe('package.json', () => {
  it('pins the exports map and the bin', () => {
    expect({ exports: pkg.exports, bin: pkg.bin }).toMatchInlineSnapshot(`
      {
        "bin": {
          "skreaver": "./dist/cli/index.js",
        },
        "exports": {
          ".": {
            "import": {
              "default": "./dist/index.js",
              "types": "./dist/index.d.ts",
            },
            "require": {
              "default": "./dist/index.cjs",
              "types": "./dist/index.d.cts",
            },
          },
          "./auth/jwt": {
            "import": {
              "default": "./dist/auth/jwt/index.js",
              "types": "./dist/auth/jwt/index.d.ts",
            },
            "require": {
              "default": "./dist/auth/jwt/index.cjs",
              "types": "./dist/auth/jwt/index.d.cts",
            },
          },
          "./config/toml": {
            "import": {
              "default": "./dist/config/toml/index.js",
              "types": "./dist/config/toml/index.d.ts",
            },
            "require": {
              "default": "./dist/config/toml/index.cjs",
              "types": "./dist/config/toml/index.d.cts",
            },
          },
          "./http": {
            "import": {
              "default": "./dist/http/index.js",
              "types": "./dist/http/index.d.ts",
            },
            "require": {
              "default": "./dist/http/index.cjs",
              "types": "./dist/http/index.d.cts",
            },
          },
          "./http/node": {
            "import": {
              "default": "./dist/http/node/index.js",
              "types": "./dist/http/node/index.d.ts",
            },
            "require": {
              "default": "./dist/http/node/index.cjs",
              "types": "./dist/http/node/index.d.cts",
            },
          },
          "./mcp": {
            "import": {
              "default": "./dist/mcp/index.js",
              "types": "./dist/mcp/index.d.ts",
            },
            "require": {
              "default": "./dist/mcp/index.cjs",
              "types": "./dist/mcp/index.d.cts",
            },
          },
          "./memory/file": {
            "import": {
              "default": "./dist/memory/file/index.js",
              "types": "./dist/memory/file/index.d.ts",
            },
            "require": {
              "default": "./dist/memory/file/index.cjs",
              "types": "./dist/memory/file/index.d.cts",
            },
          },
          "./memory/postgres": {
            "import": {
              "default": "./dist/memory/postgres/index.js",
              "types": "./dist/memory/postgres/index.d.ts",
            },
            "require": {
              "default": "./dist/memory/postgres/index.cjs",
              "types": "./dist/memory/postgres/index.d.cts",
            },
          },
          "./memory/redis": {
            "import": {
              "default": "./dist/memory/redis/index.js",
              "types": "./dist/memory/redis/index.d.ts",
            },
            "require": {
              "default": "./dist/memory/redis/index.cjs",
              "types": "./dist/memory/redis/index.d.cts",
            },
          },
          "./memory/sqlite": {
            "import": {
              "default": "./dist/memory/sqlite/index.js",
              "types": "./dist/memory/sqlite/index.d.ts",
            },
            "require": {
              "default": "./dist/memory/sqlite/index.cjs",
              "types": "./dist/memory/sqlite/index.d.cts",
            },
          },
          "./mesh/redis": {
            "import": {
              "default": "./dist/mesh/redis/index.js",
              "types": "./dist/mesh/redis/index.d.ts",
            },
            "require": {
              "default": "./dist/mesh/redis/index.cjs",
              "types": "./dist/mesh/redis/index.d.cts",
            },
          },
          "./metrics/prometheus": {
            "import": {
              "default": "./dist/metrics/prometheus/index.js",
              "types": "./dist/metrics/prometheus/index.d.ts",
            },
            "require": {
              "default": "./dist/metrics/prometheus/index.cjs",
              "types": "./dist/metrics/prometheus/index.d.cts",
            },
          },
          "./package.json": "./package.json",
          "./security/node": {
            "import": {
              "default": "./dist/security/node/index.js",
              "types": "./dist/security/node/index.d.ts",
            },
            "require": {
              "default": "./dist/security/node/index.cjs",
              "types": "./dist/security/node/index.d.cts",
            },
          },
          "./testing": {
            "import": {
              "default": "./dist/testing/index.js",
              "types": "./dist/testing/index.d.ts",
            },
            "require": {
              "default": "./dist/testing/index.cjs",
              "types": "./dist/testing/index.d.cts",
            },
          },
          "./tools": {
            "import": {
              "default": "./dist/tools/index.js",
              "types": "./dist/tools/index.d.ts",
            },
            "require": {
              "default": "./dist/tools/index.cjs",
              "types": "./dist/tools/index.d.cts",
            },
          },
          "./tools/node": {
            "import": {
              "default": "./dist/tools/node/index.js",
              "types": "./dist/tools/node/index.d.ts",
            },
            "require": {
              "default": "./dist/tools/node/index.cjs",
              "types": "./dist/tools/node/index.d.cts",
            },
          },
          "./tracing/otel": {
            "import": {
              "default": "./dist/tracing/otel/index.js",
              "types": "./dist/tracing/otel/index.d.ts",
            },
            "require": {
              "default": "./dist/tracing/otel/index.cjs",
              "types": "./dist/tracing/otel/index.d.cts",
            },
          },
        },
      }
    `);
  });

  it('lists "types" first in every condition, as TypeScript requires', () => {
    for (const target of Object.values(pkg.exports)) {
      if (typeof target === 'string') continue;
      for (const condition of Object.values(target as Record<string, Record<string, string>>)) {
        expect(Object.keys(condition)[0]).toBe('types');
      }
    }
  });

  it('is an ESM package without side effects or runtime dependencies, for Node 20+', () => {
    expect(pkg).toMatchObject({ name: 'skreaver', type: 'module', sideEffects: false });
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.dependencies ?? {}).toEqual({});
  });
});
