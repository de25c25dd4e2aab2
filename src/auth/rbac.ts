import { type KnownOptions, rejectUnknownOptions } from '../_known-options.js';
import { SecurityError, ValidationError } from '../errors/families.js';
import type { Principal } from '../principal.js';
import type { ToolPolicyDecision, ToolPolicyHook } from '../tools/registry.js';
import { nameProblem, type ResolvedRole, resolveRoles } from './_rbac-roles.js';
import { TOOL_EXECUTE_PERMISSION } from './permissions.js';
import type {
  PermissionDeniedData,
  Rbac,
  RbacOptions,
  RbacProblem,
  ToolAccessDecision,
} from './rbac-types.js';

/** The options createRbac takes, checked against RbacOptions. */
const RBAC_OPTIONS = {
  roles: true,
  builtinRoles: true,
  defaultDeny: true,
  anonymousRole: true,
  maxCachedDecisions: true,
} satisfies KnownOptions<RbacOptions>;

const ALLOW: ToolAccessDecision = Object.freeze({ allow: true });
const NO_PRINCIPAL: ToolAccessDecision = Object.freeze({
  allow: false,
  reason: 'the call has no principal and anonymous access is not configured',
});
const BAD_PRINCIPAL: ToolAccessDecision = Object.freeze({
  allow: false,
  reason: 'the principal has no roles array',
});
/** A principal's known roles, what they grant together, and the tool decisions made for them. */
interface RoleSet {
  readonly roles: readonly ResolvedRole[];
  readonly permissions: ReadonlySet<string>;
  readonly decisions: Map<string, ToolAccessDecision>;
}

/** A node of the role-set trie: children by role name, and the set for the path so far. */
interface TrieNode {
  next: Map<string, TrieNode> | undefined;
  set: RoleSet | undefined;
}

function invalidOption(option: string, value: unknown, rule: string): ValidationError {
  return new ValidationError('invalid_options', `The RBAC option '${option}' must be ${rule}.`, {
    data: { option, value },
  });
}

function policyInvalid(problems: readonly RbacProblem[]): SecurityError {
  const first = problems[0] as RbacProblem;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  return new SecurityError(
    'policy_invalid',
    `The RBAC configuration is invalid at '${first.path}': ${first.message}${more}.`,
    { data: { problems } },
  );
}

function quoteList(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}

/** Decides a tool for a set of known roles; only called on a cache miss. */
function decide(
  roles: readonly ResolvedRole[],
  tool: string,
  defaultDeny: boolean,
): ToolAccessDecision {
  if (roles.length === 0) {
    return { allow: false, reason: 'the principal holds no role this RBAC knows' };
  }
  for (const role of roles) {
    for (const rule of role.deny) {
      if (rule.match(tool)) {
        const via = rule.role === role.name ? '' : ` (inherited by '${role.name}')`;
        return {
          allow: false,
          reason: `role '${rule.role}'${via} denies tool '${tool}' by rule '${rule.pattern}'`,
        };
      }
    }
  }
  for (const role of roles) {
    for (const rule of role.allow) if (rule.match(tool)) return ALLOW;
  }
  const names = quoteList(roles.map((role) => role.name));
  if (defaultDeny) {
    return { allow: false, reason: `no rule of role(s) ${names} allows tool '${tool}'` };
  }
  if (roles.some((role) => role.permissions.has(TOOL_EXECUTE_PERMISSION))) return ALLOW;
  return {
    allow: false,
    reason: `no rule of role(s) ${names} matches tool '${tool}' and none holds '${TOOL_EXECUTE_PERMISSION}'`,
  };
}

/**
 * Creates role-based access control: roles grant permission strings and tool
 * rules, inherit from other roles, and are checked against a call's
 * `Principal`. The built-in roles `admin`, `agent` and `viewer` exist unless
 * `builtinRoles: false` (see `BUILTIN_ROLES`). Everything is validated and
 * inheritance flattened here, once; checks afterwards do no parsing.
 *
 * Rules: a deny rule of any role the principal holds (own or inherited) beats
 * every allow rule; an allow rule of any held role allows; a tool no rule
 * matches is denied (`defaultDeny`, the default) or allowed for holders of
 * `tool:execute`. Role names on a principal that this RBAC does not know are
 * ignored, so a token naming a role from another service grants nothing here.
 *
 * @throws `SecurityError` `policy_invalid` when a role definition is wrong
 *   (unknown field, bad name or glob, unknown parent, inheritance cycle,
 *   unknown `anonymousRole`); `data.problems` lists every problem with its path.
 * @throws `ValidationError` `invalid_options` for an option of the wrong type.
 * @example
 * ```ts
 * const rbac = createRbac({
 *   roles: {
 *     agent: { tools: { allow: ['http_get', 'text_*'] } },
 *     operator: { inherits: ['agent'], tools: { allow: ['shell_*'], deny: ['shell_rm'] } },
 *   },
 * });
 * rbac.checkTool({ id: 'u1', roles: ['operator'] }, 'shell_ls'); // { allow: true }
 * const registry = createToolRegistry({ policies: [rbac.toolPolicyHook()] });
 * ```
 */
export function createRbac(options: RbacOptions = {}): Rbac {
  rejectUnknownOptions('createRbac', options, RBAC_OPTIONS);
  const builtinRoles = options.builtinRoles ?? true;
  if (typeof builtinRoles !== 'boolean') {
    throw invalidOption('builtinRoles', builtinRoles, 'a boolean');
  }
  const defaultDeny = options.defaultDeny ?? true;
  if (typeof defaultDeny !== 'boolean')
    throw invalidOption('defaultDeny', defaultDeny, 'a boolean');
  const maxCached = options.maxCachedDecisions ?? 10_000;
  if (!Number.isInteger(maxCached) || maxCached < 1) {
    throw invalidOption('maxCachedDecisions', maxCached, 'a positive integer');
  }
  const { roles, problems } = resolveRoles(options.roles, builtinRoles);
  const anonymous = options.anonymousRole;
  if (anonymous !== undefined && problems.length === 0) {
    const problem = nameProblem(anonymous);
    if (problem !== undefined) {
      throw policyInvalid([{ path: 'anonymousRole', message: problem }]);
    }
    if (!roles.has(anonymous)) {
      throw policyInvalid([
        { path: 'anonymousRole', message: `names the unknown role '${anonymous}'` },
      ]);
    }
  }
  if (problems.length > 0) throw policyInvalid(problems);

  // Role sets live in a trie keyed by known role names in the principal's
  // order: finding one costs a map lookup per role and builds no string.
  // Unknown roles are skipped before the trie, so they never grow it.
  let root: TrieNode = { next: undefined, set: undefined };
  let cached = 0;

  // The bound counts trie nodes and decisions together; past it everything is
  // dropped at once (after the current answer is made, so a walk never sees
  // a half-reset trie), which keeps the bookkeeping off the hot path.
  const account = (added: number): void => {
    cached += added;
    if (cached > maxCached) {
      root = { next: undefined, set: undefined };
      cached = 0;
    }
  };

  const makeSet = (names: readonly string[]): RoleSet => {
    const members: ResolvedRole[] = [];
    for (const name of names) {
      const role = roles.get(name);
      if (role !== undefined) members.push(role);
    }
    const permissions = new Set<string>();
    for (const role of members)
      for (const permission of role.permissions) permissions.add(permission);
    return { roles: members, permissions, decisions: new Map() };
  };

  const anonymousNames = anonymous === undefined ? undefined : [anonymous];

  /** The role set of a principal, or undefined for no principal without anonymous access or a broken one. */
  const roleSetOf = (principal: Principal | undefined): RoleSet | undefined => {
    let names: readonly string[];
    if (principal === undefined || principal === null) {
      if (anonymousNames === undefined) return undefined;
      names = anonymousNames;
    } else {
      names = principal.roles;
      if (!Array.isArray(names)) return undefined;
    }
    let node = root;
    let added = 0;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      if (!roles.has(name)) continue;
      let next = node.next?.get(name);
      if (next === undefined) {
        next = { next: undefined, set: undefined };
        node.next ??= new Map();
        node.next.set(name, next);
        added++;
      }
      node = next;
    }
    let set = node.set;
    if (set === undefined) {
      set = makeSet(names);
      node.set = set;
      added++;
    }
    if (added > 0) account(added);
    return set;
  };

  const checkTool = (principal: Principal | undefined, toolName: string): ToolAccessDecision => {
    const set = roleSetOf(principal);
    if (set === undefined) return principal == null ? NO_PRINCIPAL : BAD_PRINCIPAL;
    const hit = set.decisions.get(toolName);
    if (hit !== undefined) return hit;
    const decision = decide(set.roles, toolName, defaultDeny);
    set.decisions.set(toolName, decision);
    account(1);
    return decision;
  };

  const hasPermission = (principal: Principal | undefined, permission: string): boolean =>
    roleSetOf(principal)?.permissions.has(permission) ?? false;

  return {
    roleNames: Object.freeze([...roles.keys()]),
    hasPermission,
    permissionsOf(principal) {
      const set = roleSetOf(principal);
      return set === undefined ? [] : [...set.permissions].sort();
    },
    assertPermission(principal, permission) {
      if (hasPermission(principal, permission)) return;
      let reason: string;
      if (principal != null)
        reason = `principal '${principal.id}' lacks permission '${permission}'`;
      else if (anonymous === undefined) reason = (NO_PRINCIPAL as { reason: string }).reason;
      else reason = `the call has no principal and the anonymous role lacks '${permission}'`;
      const data: PermissionDeniedData =
        principal == null
          ? { code: 'permission_denied', reason, permission }
          : { code: 'permission_denied', reason, permission, principal: principal.id };
      throw new SecurityError('permission_denied', `Permission denied: ${reason}.`, { data });
    },
    checkTool,
    toolPolicyHook(): ToolPolicyHook {
      return function rbacToolPolicy(request): ToolPolicyDecision {
        // The registry keys tools by their trimmed name; rules must see the same.
        const tool = request.tool.name.trim();
        const decision = checkTool(request.principal, tool);
        if (decision.allow) return decision;
        const principal = request.principal;
        const data: PermissionDeniedData =
          principal === undefined
            ? { code: 'permission_denied', reason: decision.reason, tool }
            : { code: 'permission_denied', reason: decision.reason, tool, principal: principal.id };
        return { allow: false, reason: decision.reason, data };
      };
    },
  };
}
