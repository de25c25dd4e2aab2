import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_POLICY,
  type FsPolicy,
  SecurityError,
  type SecurityPolicy,
  type ToolError,
} from 'skreaver';
import { afterEach, beforeEach, expect } from 'vitest';
import { liveView } from './_live-view.js';

/**
 * A fresh temporary tree for the file tools:
 *
 * ```
 * base/root/hello.txt       "hello"
 * base/root/.env            "SECRET=1"   (denied by the default patterns)
 * base/root/sub/inner.txt   "inner"
 * base/outside/secret.txt   "top secret"
 * ```
 */
export interface Sandbox {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  /** A policy with fs on and `root` as the only root, plus overrides. */
  policy(fs?: Partial<FsPolicy>, extra?: Partial<SecurityPolicy>): SecurityPolicy;
  remove(): Promise<void>;
}

async function makeSandbox(): Promise<Sandbox> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'skreaver-file-tools-')));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(join(root, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, 'hello.txt'), 'hello');
  await writeFile(join(root, 'sub', 'inner.txt'), 'inner');
  await writeFile(join(root, '.env'), 'SECRET=1');
  await writeFile(join(outside, 'secret.txt'), 'top secret');
  return {
    base,
    root,
    outside,
    policy: (fs = {}, extra = {}) => ({
      ...DEFAULT_POLICY,
      fs: { ...DEFAULT_POLICY.fs, enabled: true, allowPaths: [root], ...fs },
      ...extra,
    }),
    remove: () => rm(base, { recursive: true, force: true }),
  };
}

/**
 * A fresh sandbox for every test of the file: made before each test and
 * removed after it. The view reads the sandbox of the test that runs.
 */
export function useSandbox(): Omit<Sandbox, 'remove'> {
  let current: Sandbox | undefined;
  beforeEach(async () => {
    current = await makeSandbox();
  });
  afterEach(async () => {
    await current?.remove();
    current = undefined;
  });
  return liveView('The sandbox', () => current);
}

/** The security detail of a `tool_denied` failure. */
export function detailOf(error: ToolError): Record<string, unknown> {
  expect(error.code, error.message).toBe('tool_denied');
  expect(error.cause).toBeInstanceOf(SecurityError);
  return (error.data as { detail: Record<string, unknown> }).detail;
}
