import type { SecretAction, SecurityPolicy } from '../policy/policy.js';
import { policyForTool } from '../policy/policy-for-tool.js';
import { createSecretScanner, type SecretScanner } from '../secrets/scanner.js';

/** What the guard needs to know about one tool, worked out once per tool name. */
export interface CompiledTool {
  readonly name: string;
  readonly enabled: boolean;
  readonly maxInputBytes: number;
  readonly maxOutputBytes: number;
  readonly maxConcurrentPerTool: number;
  readonly onInput: SecretAction;
  readonly onOutput: SecretAction;
  readonly scanner: SecretScanner;
  /** Calls of this tool inside a guarded wrapper right now. */
  running: number;
}

/** Most tool names remembered before the cache starts over (names come from registered tools). */
const MAX_CACHED_TOOLS = 4096;

/** Per-policy compilation: effective per-tool policies and their scanners, each built once. */
export class CompiledPolicy {
  private readonly tools = new Map<string, CompiledTool>();
  // Lists from a validated policy are frozen and shared, so identity is a safe key.
  private readonly scanners = new Map<readonly string[], SecretScanner>();

  constructor(
    readonly policy: SecurityPolicy,
    private readonly maxScanLength: number,
  ) {}

  tool(name: string): CompiledTool {
    const hit = this.tools.get(name);
    if (hit !== undefined) return hit;
    if (this.tools.size >= MAX_CACHED_TOOLS) this.tools.clear();
    const effective = policyForTool(this.policy, name.trim());
    const compiled: CompiledTool = {
      name,
      enabled: effective.enabled,
      maxInputBytes: effective.resources.maxInputBytes,
      maxOutputBytes: effective.resources.maxOutputBytes,
      maxConcurrentPerTool: effective.resources.maxConcurrentPerTool,
      onInput: effective.secrets.onInput,
      onOutput: effective.secrets.onOutput,
      scanner: this.scannerFor(effective.secrets.extraPatterns),
      running: 0,
    };
    this.tools.set(name, compiled);
    return compiled;
  }

  /** The scanner of the policy's global `secrets.extraPatterns` (for audit redaction). */
  globalScanner(): SecretScanner {
    return this.scannerFor(this.policy.secrets.extraPatterns);
  }

  private scannerFor(extraPatterns: readonly string[]): SecretScanner {
    let scanner = this.scanners.get(extraPatterns);
    if (scanner === undefined) {
      scanner = createSecretScanner({ extraPatterns, maxLength: this.maxScanLength });
      this.scanners.set(extraPatterns, scanner);
    }
    return scanner;
  }
}
