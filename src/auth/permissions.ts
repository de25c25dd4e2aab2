/**
 * The permission strings skreaver itself uses, with the Rust original's
 * spelling. Roles may also hold any other non-empty string as a permission.
 */
export const BUILTIN_PERMISSIONS = [
  'memory:read',
  'memory:write',
  'tool:execute',
  'agent:manage',
  'auth:manage',
  'metrics:view',
  'config:modify',
  'admin:access',
] as const;

/** One of {@link BUILTIN_PERMISSIONS}. */
export type BuiltinPermission = (typeof BUILTIN_PERMISSIONS)[number];

/** The permission that lets a role run tools no rule mentions when `defaultDeny` is false. */
export const TOOL_EXECUTE_PERMISSION: BuiltinPermission = 'tool:execute';

/**
 * Allow and deny rules over tool names. Each entry is a tool name or a simple
 * glob: `*` matches any run of characters (also none), `?` exactly one;
 * there is no `**`, no character class and no escaping. Matching is
 * case-sensitive and covers the whole name (`shell_*` does not match
 * `my_shell_exec`).
 */
export interface ToolRules {
  /** Tools the role may run. */
  readonly allow?: readonly string[];
  /** Tools the role may never run; a deny beats every allow, of any role the principal holds. */
  readonly deny?: readonly string[];
}

/** How {@link createRbac} defines one role. */
export interface RoleDefinition {
  /** Roles whose permissions and tool rules this role also gets (transitively). */
  readonly inherits?: readonly string[];
  /** Permission strings the role grants (see {@link BUILTIN_PERMISSIONS}). */
  readonly permissions?: readonly string[];
  /** Tool allow and deny rules. */
  readonly tools?: ToolRules;
  /**
   * For a role named like a built-in one (`admin`, `agent`, `viewer`): replace
   * the built-in definition instead of adding to it.
   * @defaultValue false
   */
  readonly replace?: boolean;
}

/**
 * The built-in roles and what they hold. `admin` holds every built-in
 * permission and may run every tool; `agent` holds `memory:read`,
 * `memory:write`, `tool:execute` and `metrics:view`; `viewer` holds
 * `memory:read` and `metrics:view`. Only `admin` has a tool rule: which tools
 * an agent may run depends on the application's tools, so it is left to the
 * configuration (or to `defaultDeny: false`, which lets holders of
 * `tool:execute` run every tool no rule mentions). None of them has a deny
 * rule, so holding several built-in roles never takes access away.
 */
export const BUILTIN_ROLES: Readonly<Record<'admin' | 'agent' | 'viewer', RoleDefinition>> =
  Object.freeze({
    admin: Object.freeze({
      permissions: BUILTIN_PERMISSIONS,
      tools: Object.freeze({ allow: Object.freeze(['*']) }),
    }),
    agent: Object.freeze({
      permissions: Object.freeze(['memory:read', 'memory:write', 'tool:execute', 'metrics:view']),
    }),
    viewer: Object.freeze({
      permissions: Object.freeze(['memory:read', 'metrics:view']),
    }),
  });
