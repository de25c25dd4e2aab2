/**
 * The security policy: one plain, immutable object that every tool-call path
 * consults (the registry's guard hook, the standard tools, the HTTP runtime,
 * the MCP server). Sections follow the Rust original's TOML layout; the
 * defaults are safe: file, HTTP and network access are off until configured.
 *
 * Build one with `validatePolicy()` (which fills defaults and reports every
 * problem), never by hand-editing a default.
 */

/** File-system access for file tools. */
export interface FsPolicy {
  /**
   * Whether file tools may touch the file system at all.
   * @defaultValue false
   */
  readonly enabled: boolean;
  /**
   * Roots a path must lie under, compared component-wise after
   * normalisation (and after real-path resolution in Node). Empty means no
   * path is allowed.
   * @defaultValue []
   */
  readonly allowPaths: readonly string[];
  /**
   * Globs (`**`, `*`, `?`, `[...]`, `{a,b}`) that deny a path even under an
   * allowed root; matched against the normalised absolute path.
   * @defaultValue the entries of {@link DEFAULT_DENY_PATTERNS}
   */
  readonly denyPatterns: readonly string[];
  /**
   * Whether a symbolic link may be followed. When false, a symlink anywhere
   * in the path fails the check (the Node helper opens the final component
   * with no-follow semantics).
   * @defaultValue false
   */
  readonly followSymlinks: boolean;
  /**
   * Largest file a tool may read or write, in bytes.
   * @defaultValue 16777216 (16 MiB)
   */
  readonly maxFileSize: number;
  /**
   * Most files one operation (a directory listing, say) may return.
   * @defaultValue 100
   */
  readonly maxFilesPerOperation: number;
}

/** Outbound HTTP for HTTP tools. */
export interface HttpPolicy {
  /**
   * Whether HTTP tools may make requests at all.
   * @defaultValue false
   */
  readonly enabled: boolean;
  /**
   * Hosts that may be called: exact names, `*.example.com` (any subdomain,
   * not the apex), or `*` (any public host). Empty means none.
   * @defaultValue []
   */
  readonly allowDomains: readonly string[];
  /**
   * Hosts that are always refused, same syntax as `allowDomains`; deny wins.
   * @defaultValue []
   */
  readonly denyDomains: readonly string[];
  /**
   * Whether loopback, private, link-local, CGNAT and unique-local addresses
   * may be called. Cloud metadata addresses are refused even then.
   * @defaultValue false
   */
  readonly allowPrivateNetworks: boolean;
  /**
   * Whether URLs may carry `user:password@`.
   * @defaultValue false
   */
  readonly allowUserinfo: boolean;
  /**
   * Upper-case methods the HTTP tools may use.
   * @defaultValue ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
   */
  readonly allowMethods: readonly string[];
  /**
   * Ports a URL may name (its explicit or default port). Empty means every
   * port the network policy does not deny.
   * @defaultValue [80, 443]
   */
  readonly allowPorts: readonly number[];
  /**
   * Response content types (`type/subtype`, or `type/*`) the tools accept.
   * Empty means any.
   * @defaultValue []
   */
  readonly allowContentTypes: readonly string[];
  /**
   * Per-request timeout in milliseconds, always applied.
   * @defaultValue 30000
   */
  readonly timeoutMs: number;
  /**
   * Largest response body read, in bytes; a larger one fails the call.
   * @defaultValue 33554432 (32 MiB)
   */
  readonly maxResponseBytes: number;
  /**
   * Redirects followed, each re-validated; 0 means none.
   * @defaultValue 3
   */
  readonly maxRedirects: number;
  /**
   * The `User-Agent` sent.
   * @defaultValue "skreaver-agent"
   */
  readonly userAgent: string;
}

/** Raw network access (ports) for network-capable tools. */
export interface NetworkPolicy {
  /**
   * Whether tools may open raw network connections.
   * @defaultValue false
   */
  readonly enabled: boolean;
  /**
   * Ports that may be used; empty means every port not denied.
   * @defaultValue []
   */
  readonly allowPorts: readonly number[];
  /**
   * Ports always refused, for HTTP too; deny wins.
   * @defaultValue [22, 23, 25, 53, 135, 139, 445, 1433, 3306, 3389, 5432, 6379, 11211, 27017]
   */
  readonly denyPorts: readonly number[];
}

/** Limits applied to every tool call. */
export interface ResourcePolicy {
  /**
   * Per-call timeout in milliseconds.
   * @defaultValue 30000
   */
  readonly timeoutMs: number;
  /**
   * Calls of one tool running at once.
   * @defaultValue 16
   */
  readonly maxConcurrentPerTool: number;
  /**
   * Calls of all tools running at once; more fail with `resource_exhausted`.
   * @defaultValue 64
   */
  readonly maxConcurrent: number;
  /**
   * Largest tool input, in UTF-8 bytes of its JSON form.
   * @defaultValue 1048576 (1 MiB)
   */
  readonly maxInputBytes: number;
  /**
   * Largest tool output, in UTF-8 bytes of its JSON form.
   * @defaultValue 10485760 (10 MiB)
   */
  readonly maxOutputBytes: number;
  /**
   * Process memory (RSS, MiB) above which the Node memory sampler sheds load;
   * `undefined` turns sampling off. Ignored outside Node.
   * @defaultValue undefined
   */
  readonly maxMemoryMb?: number;
}

/** Severity threshold of audit events. */
export type AuditLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/** Audit logging. */
export interface AuditPolicy {
  /**
   * Whether audit events are emitted.
   * @defaultValue true
   */
  readonly enabled: boolean;
  /**
   * Whether allowed tool calls are audited too (denials always are).
   * @defaultValue true
   */
  readonly logAllowed: boolean;
  /**
   * Whether secrets are redacted from every audit event.
   * @defaultValue true
   */
  readonly redactSecrets: boolean;
  /**
   * Lowest severity emitted.
   * @defaultValue "info"
   */
  readonly level: AuditLevel;
}

/** What to do when a tool input holds a secret. */
export type SecretAction = 'reject' | 'redact' | 'allow';

/** Secret detection in tool inputs and outputs. */
export interface SecretsPolicy {
  /**
   * `reject` fails the call with `secret_detected`; `redact` replaces each
   * secret with `[REDACTED]` before the tool sees it; `allow` lets it pass
   * (audit events are still redacted).
   * @defaultValue "reject"
   */
  readonly onInput: SecretAction;
  /**
   * Same choice for tool outputs.
   * @defaultValue "redact"
   */
  readonly onOutput: SecretAction;
  /**
   * Extra detectors, as regular-expression sources (JavaScript syntax,
   * matched with the `u` flag), beside the built-in ones.
   * @defaultValue []
   */
  readonly extraPatterns: readonly string[];
  /**
   * Prefix of environment variables that hold secrets.
   * @defaultValue "SKREAVER_SECRET_"
   */
  readonly envPrefix: string;
}

/** Emergency lockdown. */
export interface EmergencyPolicy {
  /**
   * Whether lockdown is on from the start.
   * @defaultValue false
   */
  readonly lockdown: boolean;
  /**
   * Tools (names or globs) still allowed during lockdown.
   * @defaultValue []
   */
  readonly allowedTools: readonly string[];
  /**
   * Who to contact, shown in lockdown errors.
   * @defaultValue undefined
   */
  readonly securityContact?: string;
}

/**
 * Per-tool override. `enabled` flags can only narrow (a section off globally
 * stays off); every other field given replaces the global value for this tool.
 */
export interface ToolPolicyOverride {
  /** `false` denies the tool outright. */
  readonly enabled?: boolean;
  /** File-system overrides. */
  readonly fs?: Partial<FsPolicy>;
  /** HTTP overrides. */
  readonly http?: Partial<HttpPolicy>;
  /** Network overrides. */
  readonly network?: Partial<NetworkPolicy>;
  /** Resource overrides. */
  readonly resources?: Partial<ResourcePolicy>;
  /** Secret-handling overrides. */
  readonly secrets?: Partial<SecretsPolicy>;
}

/** The whole policy, every field present (see `validatePolicy()` for defaults). */
export interface SecurityPolicy {
  /** File-system access. */
  readonly fs: FsPolicy;
  /** Outbound HTTP. */
  readonly http: HttpPolicy;
  /** Raw network and port rules. */
  readonly network: NetworkPolicy;
  /** Per-call limits. */
  readonly resources: ResourcePolicy;
  /** Audit logging. */
  readonly audit: AuditPolicy;
  /** Secret detection. */
  readonly secrets: SecretsPolicy;
  /** Emergency lockdown. */
  readonly emergency: EmergencyPolicy;
  /** Per-tool overrides, by tool name. */
  readonly tools: Readonly<Record<string, ToolPolicyOverride>>;
}

/**
 * A policy as a user writes it: every section and field optional; missing
 * ones take the defaults.
 */
export type SecurityPolicyInput = {
  readonly [S in Exclude<keyof SecurityPolicy, 'tools'>]?: Partial<SecurityPolicy[S]>;
} & { readonly tools?: Readonly<Record<string, ToolPolicyOverride>> };

/** Paths denied under every root unless a policy replaces the list. */
export const DEFAULT_DENY_PATTERNS: readonly string[] = Object.freeze([
  '**/.env',
  '**/.env.*',
  '**/*.key',
  '**/*.pem',
  '**/.ssh/**',
  '**/.aws/**',
  '**/.git/**',
]);

const freeze = <T extends object>(value: T): Readonly<T> => Object.freeze(value);

/** The safe defaults: every access off, limits set. Deeply frozen. */
export const DEFAULT_POLICY: SecurityPolicy = freeze({
  fs: freeze({
    enabled: false,
    allowPaths: freeze([]),
    denyPatterns: DEFAULT_DENY_PATTERNS,
    followSymlinks: false,
    maxFileSize: 16 * 1024 * 1024,
    maxFilesPerOperation: 100,
  }),
  http: freeze({
    enabled: false,
    allowDomains: freeze([]),
    denyDomains: freeze([]),
    allowPrivateNetworks: false,
    allowUserinfo: false,
    allowMethods: freeze(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']),
    allowPorts: freeze([80, 443]),
    allowContentTypes: freeze([]),
    timeoutMs: 30_000,
    maxResponseBytes: 32 * 1024 * 1024,
    maxRedirects: 3,
    userAgent: 'skreaver-agent',
  }),
  network: freeze({
    enabled: false,
    allowPorts: freeze([]),
    denyPorts: freeze([22, 23, 25, 53, 135, 139, 445, 1433, 3306, 3389, 5432, 6379, 11211, 27017]),
  }),
  resources: freeze({
    timeoutMs: 30_000,
    maxConcurrentPerTool: 16,
    maxConcurrent: 64,
    maxInputBytes: 1024 * 1024,
    maxOutputBytes: 10 * 1024 * 1024,
  }),
  audit: freeze({ enabled: true, logAllowed: true, redactSecrets: true, level: 'info' }),
  secrets: freeze({
    onInput: 'reject',
    onOutput: 'redact',
    extraPatterns: freeze([]),
    envPrefix: 'SKREAVER_SECRET_',
  }),
  emergency: freeze({ lockdown: false, allowedTools: freeze([]) }),
  tools: freeze({}),
});
