import type { Principal } from '../principal.js';
import type { ToolPolicyHook } from '../tools/registry.js';
import type { RoleDefinition } from './permissions.js';

/** One thing wrong with an RBAC configuration, with where it is. */
export interface RbacProblem {
  /** Where: `roles.ops.inherits[1]`, `anonymousRole`, ... */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

/** Options of `createRbac`. */
export interface RbacOptions {
  /**
   * Role definitions by name. A definition named like a built-in role
   * (`admin`, `agent`, `viewer`) adds to it, or replaces it with
   * `replace: true`.
   * @defaultValue `{}` (only the built-in roles)
   */
  readonly roles?: Readonly<Record<string, RoleDefinition>>;
  /**
   * Whether the built-in roles `admin`, `agent` and `viewer` (see
   * `BUILTIN_ROLES`) exist. With false only the configured roles do.
   * @defaultValue true
   */
  readonly builtinRoles?: boolean;
  /**
   * What happens to a tool that no allow or deny rule of the principal's roles
   * matches. True: it is denied. False: it is allowed when one of the
   * principal's roles holds the permission `tool:execute`.
   * @defaultValue true
   */
  readonly defaultDeny?: boolean;
  /**
   * The role a call without a principal gets. Without it such calls are
   * denied every tool and every permission.
   * @defaultValue undefined (no anonymous access)
   */
  readonly anonymousRole?: string;
  /**
   * How many cache entries (role sets seen on principals, and one per (role
   * set, tool) decision of `checkTool`) are kept before the cache starts over
   * empty. Bounds memory when tool names or role combinations are unbounded.
   * @defaultValue 10000
   */
  readonly maxCachedDecisions?: number;
}

/** What {@link Rbac.checkTool} decides. */
export type ToolAccessDecision =
  | { readonly allow: true }
  | { readonly allow: false; readonly reason: string };

/** The `data` of a `permission_denied` error or of a denial from {@link Rbac.toolPolicyHook}. */
export interface PermissionDeniedData {
  /** Always `permission_denied` (so a tool policy denial names the RBAC code). */
  readonly code: 'permission_denied';
  /** Why, in words. */
  readonly reason: string;
  /** The principal's id, when there was a principal. */
  readonly principal?: string;
  /** The tool refused, for tool checks. */
  readonly tool?: string;
  /** The permission missing, for permission checks. */
  readonly permission?: string;
}

/** Role-based access control over permissions and tools. Made by `createRbac`. */
export interface Rbac {
  /** Every role name this RBAC knows, built-in and configured. */
  readonly roleNames: readonly string[];
  /**
   * Whether one of the principal's known roles (or the anonymous role, when
   * there is no principal) holds `permission`, directly or by inheritance.
   */
  hasPermission(principal: Principal | undefined, permission: string): boolean;
  /** Every permission the principal holds through its known roles, sorted. */
  permissionsOf(principal: Principal | undefined): string[];
  /**
   * Throws unless the principal holds `permission`.
   * @throws `SecurityError` `permission_denied` with {@link PermissionDeniedData}.
   */
  assertPermission(principal: Principal | undefined, permission: string): void;
  /**
   * Whether the principal may run the tool: a deny rule of any of its roles
   * wins; else an allow rule of any of its roles allows; else `defaultDeny`
   * decides. Unknown roles on the principal are ignored. Decisions are
   * cached per (role set, tool), so repeated checks cost two map lookups.
   */
  checkTool(principal: Principal | undefined, toolName: string): ToolAccessDecision;
  /**
   * A policy hook for `createToolRegistry({ policies: [...] })` that runs
   * {@link Rbac.checkTool} for the dispatch's principal and tool. A denial
   * fails the call with `tool_denied` whose `data.detail` is
   * {@link PermissionDeniedData}.
   */
  toolPolicyHook(): ToolPolicyHook;
}
