import type { PolicyProblem } from 'skreaver';
import { showPath, type TomlPath } from './_locate.js';

/** A problem or warning before line numbers are attached. */
export interface Finding {
  readonly at: TomlPath;
  readonly message: string;
}

/** What a translation collects besides the policy input. */
export class Translation {
  readonly problems: Finding[] = [];
  readonly warnings: Finding[] = [];
  /** Policy path (`http.allowDomains`) -> the TOML path it came from. */
  readonly sources = new Map<string, TomlPath>();

  problem(at: TomlPath, message: string): void {
    this.problems.push({ at, message });
  }

  warn(at: TomlPath, message: string): void {
    this.warnings.push({ at, message });
  }

  /**
   * Sets `target` in `out` (a policy section at `outPath`), refusing a second
   * TOML key for the same field (`timeout` and `timeout_ms`).
   */
  set(
    out: Record<string, unknown>,
    outPath: string,
    target: string,
    value: unknown,
    at: TomlPath,
  ): void {
    const policyPath = `${outPath}.${target}`;
    const earlier = this.sources.get(policyPath);
    if (earlier !== undefined) {
      this.problem(at, `sets ${policyPath} again; it is already set by '${showPath(earlier)}'`);
      return;
    }
    this.sources.set(policyPath, at);
    Object.defineProperty(out, target, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

/** Turns findings into problems with the TOML path shown as written. */
export function toProblem(finding: Finding): PolicyProblem {
  return { path: showPath(finding.at), message: finding.message };
}

/** A plain table from smol-toml (not an array, not a date). */
export function isTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

const squash = (key: string): string => key.toLowerCase().replace(/[_-]/g, '');

/** "unknown key 'x'", with the known key it resembles, if any. */
export function unknownKey(key: string, known: readonly string[], where: string): string {
  const flat = squash(key);
  const hint = known.find(
    (k) => squash(k) === flat || (flat.length > 3 && squash(k).startsWith(flat)),
  );
  const name = JSON.stringify(key);
  return hint === undefined
    ? `unknown key ${name} in ${where}; known keys: ${known.join(', ')}`
    : `unknown key ${name} in ${where} (did you mean '${hint}'?)`;
}
