import { BUILTIN_ROLES, type RoleDefinition } from './permissions.js';
import type { RbacProblem } from './rbac-types.js';
import { compileToolGlob, type ToolNameMatcher, toolGlobProblem } from './tool-glob.js';

/** A tool rule ready to match, with the role that wrote it (for denial reasons). */
export interface CompiledRule {
  readonly pattern: string;
  readonly role: string;
  readonly match: ToolNameMatcher;
}

/** A role with its inheritance flattened: everything it grants, own and inherited. */
export interface ResolvedRole {
  readonly name: string;
  readonly permissions: ReadonlySet<string>;
  readonly allow: readonly CompiledRule[];
  readonly deny: readonly CompiledRule[];
}

interface Draft {
  inherits: string[];
  permissions: string[];
  allow: string[];
  deny: string[];
}

const ROLE_KEYS = new Set(['inherits', 'permissions', 'tools', 'replace']);
const TOOL_KEYS = new Set(['allow', 'deny']);
const MAX_NAME_LENGTH = 128;
// Names are compared exactly; whitespace or control characters are almost
// always a typo or an injection attempt, so they are refused.
const NAME_CHARS = /^[^\s\p{Cc}]+$/u;

/** Why `value` is not a usable role or permission name, or undefined. */
export function nameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
  if (!NAME_CHARS.test(value)) return 'must not contain whitespace or control characters';
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function draftOf(definition: RoleDefinition): Draft {
  return {
    inherits: [...(definition.inherits ?? [])],
    permissions: [...(definition.permissions ?? [])],
    allow: [...(definition.tools?.allow ?? [])],
    deny: [...(definition.tools?.deny ?? [])],
  };
}

function stringList(
  value: unknown,
  path: string,
  problems: RbacProblem[],
  check: (item: unknown) => string | undefined,
): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ path, message: 'must be an array of strings' });
    return [];
  }
  const out: string[] = [];
  value.forEach((item: unknown, index) => {
    const problem = check(item);
    if (problem === undefined) out.push(item as string);
    else problems.push({ path: `${path}[${index}]`, message: problem });
  });
  return out;
}

/** Checks one configured role and returns its draft, or undefined when its shape is wrong. */
function readDefinition(name: string, value: unknown, problems: RbacProblem[]): Draft | undefined {
  const path = `roles.${name}`;
  if (!isPlainObject(value)) {
    problems.push({
      path,
      message: 'must be an object { inherits?, permissions?, tools?, replace? }',
    });
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!ROLE_KEYS.has(key))
      problems.push({ path: `${path}.${key}`, message: 'is not a role field' });
  }
  if (value.replace !== undefined && typeof value.replace !== 'boolean') {
    problems.push({ path: `${path}.replace`, message: 'must be a boolean' });
  }
  const draft: Draft = {
    inherits: stringList(value.inherits, `${path}.inherits`, problems, nameProblem),
    permissions: stringList(value.permissions, `${path}.permissions`, problems, nameProblem),
    allow: [],
    deny: [],
  };
  const tools = value.tools;
  if (tools !== undefined) {
    if (!isPlainObject(tools)) {
      problems.push({ path: `${path}.tools`, message: 'must be an object { allow?, deny? }' });
    } else {
      for (const key of Object.keys(tools)) {
        if (!TOOL_KEYS.has(key)) {
          problems.push({ path: `${path}.tools.${key}`, message: 'is not a tool-rule field' });
        }
      }
      draft.allow = stringList(tools.allow, `${path}.tools.allow`, problems, toolGlobProblem);
      draft.deny = stringList(tools.deny, `${path}.tools.deny`, problems, toolGlobProblem);
    }
  }
  return draft;
}

/** Merges the built-in roles with the configured ones; collects every problem. */
function mergeDefinitions(
  configured: unknown,
  builtinRoles: boolean,
  problems: RbacProblem[],
): Map<string, Draft> {
  const drafts = new Map<string, Draft>();
  if (builtinRoles) {
    for (const [name, definition] of Object.entries(BUILTIN_ROLES)) {
      drafts.set(name, draftOf(definition));
    }
  }
  if (configured === undefined) return drafts;
  if (!isPlainObject(configured)) {
    problems.push({
      path: 'roles',
      message: 'must be an object mapping role names to definitions',
    });
    return drafts;
  }
  for (const [name, value] of Object.entries(configured)) {
    const problem = nameProblem(name);
    if (problem !== undefined) {
      problems.push({ path: `roles[${JSON.stringify(name)}]`, message: `role name ${problem}` });
      continue;
    }
    const draft = readDefinition(name, value, problems);
    if (draft === undefined) continue;
    const existing = drafts.get(name);
    const replace = (value as { replace?: unknown }).replace === true;
    if (existing === undefined || replace) {
      drafts.set(name, draft);
    } else {
      existing.inherits.push(...draft.inherits);
      existing.permissions.push(...draft.permissions);
      existing.allow.push(...draft.allow);
      existing.deny.push(...draft.deny);
    }
  }
  return drafts;
}

/** Reports unknown parents and inheritance cycles (each cycle once, as a path). */
function checkInheritance(drafts: Map<string, Draft>, problems: RbacProblem[]): void {
  for (const [name, draft] of drafts) {
    draft.inherits.forEach((parent, index) => {
      if (!drafts.has(parent)) {
        problems.push({
          path: `roles.${name}.inherits[${index}]`,
          message: `names the unknown role '${parent}'`,
        });
      }
    });
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const parent of drafts.get(name)?.inherits ?? []) {
      const seen = state.get(parent);
      if (seen === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(parent)), parent];
        problems.push({
          path: `roles.${name}.inherits`,
          message: `forms an inheritance cycle: ${cycle.join(' -> ')}`,
        });
      } else if (seen === undefined && drafts.has(parent)) {
        visit(parent);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of drafts.keys()) if (!state.has(name)) visit(name);
}

function compileRules(patterns: readonly string[], role: string): CompiledRule[] {
  return patterns.map((pattern) => ({ pattern, role, match: compileToolGlob(pattern) }));
}

/** Flattens inheritance, assuming {@link checkInheritance} found nothing. */
function flatten(drafts: Map<string, Draft>): Map<string, ResolvedRole> {
  const resolved = new Map<string, ResolvedRole>();
  const resolve = (name: string): ResolvedRole => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const draft = drafts.get(name) as Draft;
    const permissions = new Set(draft.permissions);
    const allow = compileRules([...new Set(draft.allow)], name);
    const deny = compileRules([...new Set(draft.deny)], name);
    for (const parentName of new Set(draft.inherits)) {
      const parent = resolve(parentName);
      for (const permission of parent.permissions) permissions.add(permission);
      allow.push(...parent.allow);
      deny.push(...parent.deny);
    }
    const role: ResolvedRole = {
      name,
      permissions,
      allow: dedupe(allow),
      deny: dedupe(deny),
    };
    resolved.set(name, role);
    return role;
  };
  for (const name of drafts.keys()) resolve(name);
  return resolved;
}

/** Keeps the first rule per pattern (a diamond inherits the same rule twice). */
function dedupe(rules: CompiledRule[]): CompiledRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => !seen.has(rule.pattern) && seen.add(rule.pattern) !== undefined);
}

/**
 * Resolves an RBAC role configuration: merges it with the built-in roles,
 * validates names, globs and inheritance, and flattens inheritance. Returns
 * the problems instead of the roles when there are any.
 */
export function resolveRoles(
  configured: unknown,
  builtinRoles: boolean,
): { readonly roles: Map<string, ResolvedRole>; readonly problems: readonly RbacProblem[] } {
  const problems: RbacProblem[] = [];
  const drafts = mergeDefinitions(configured, builtinRoles, problems);
  checkInheritance(drafts, problems);
  if (problems.length > 0) return { roles: new Map(), problems };
  return { roles: flatten(drafts), problems };
}
