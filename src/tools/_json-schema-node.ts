// Type bits. A value has exactly one; a schema's `type` is the union of the
// bits it accepts ('number' accepts integers too).
export const T_NULL = 1;
export const T_BOOLEAN = 2;
export const T_INTEGER = 4;
export const T_NUMBER = 8;
export const T_STRING = 16;
export const T_ARRAY = 32;
export const T_OBJECT = 64;

/** A problem in the schema itself, found when it was compiled. */
export interface SchemaProblem {
  /** The keyword at fault (`properties`), or `''` when the whole schema is. */
  readonly keyword: string;
  /** JSON pointer from the schema object to the fault (`/properties/name`). */
  readonly at: string;
  readonly message: string;
}

/** One entry of `properties`. */
export interface PropertyRule {
  readonly key: string;
  readonly node: SchemaNode;
  /** The key also names an `Object.prototype` member, so presence needs `Object.hasOwn`. */
  readonly inherited: boolean;
}

/**
 * One compiled schema object. Every field exists on every node (one hidden
 * class for the checker); absent keywords hold neutral values (NaN compares
 * false with everything, so an absent `minimum` never fails).
 */
export class SchemaNode {
  /** No checked keyword: every value passes. */
  any = true;
  /** The `false` schema: no value passes. */
  never = false;
  problems: SchemaProblem[] | null = null;
  types = 0;
  typeLabel = '';
  enumValues: readonly unknown[] | null = null;
  hasConst = false;
  constValue: unknown = undefined;
  minLength = 0;
  maxLength = Number.POSITIVE_INFINITY;
  pattern: RegExp | null = null;
  minimum = Number.NaN;
  maximum = Number.NaN;
  exclusiveMinimum = Number.NaN;
  exclusiveMaximum = Number.NaN;
  minItems = 0;
  maxItems = Number.POSITIVE_INFINITY;
  items: SchemaNode | null = null;
  properties: PropertyRule[] | null = null;
  propertyNames: Set<string> | null = null;
  required: string[] | null = null;
  additional: SchemaNode | null = null;
  anyOf: SchemaNode[] | null = null;
  oneOf: SchemaNode[] | null = null;

  constructor(readonly schema: unknown) {}
}

function constant(never: boolean): SchemaNode {
  const node = new SchemaNode(!never);
  node.any = !never;
  node.never = never;
  return node;
}

/** The node of the `true` schema. */
export const ANY_NODE: SchemaNode = Object.freeze(constant(false));
/** The node of the `false` schema. */
export const NEVER_NODE: SchemaNode = Object.freeze(constant(true));

/** Every node reachable from `root`, with its JSON pointer into the schema (first path found). */
export function reachableNodes(root: SchemaNode): Map<SchemaNode, string> {
  const paths = new Map<SchemaNode, string>([[root, '']]);
  const queue: SchemaNode[] = [root];
  const visit = (node: SchemaNode | null, path: string): void => {
    if (node !== null && !paths.has(node)) {
      paths.set(node, path);
      queue.push(node);
    }
  };
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as SchemaNode;
    const path = paths.get(node) as string;
    visit(node.items, `${path}/items`);
    visit(node.additional, `${path}/additionalProperties`);
    for (const rule of node.properties ?? [])
      visit(rule.node, `${path}/properties/${escapePointer(rule.key)}`);
    node.anyOf?.forEach((child, index) => {
      visit(child, `${path}/anyOf/${index}`);
    });
    node.oneOf?.forEach((child, index) => {
      visit(child, `${path}/oneOf/${index}`);
    });
  }
  return paths;
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Records a problem; `at` is the pointer below the schema (`properties/a`), its first segment the keyword. */
export function addProblem(node: SchemaNode, at: string, message: string): void {
  node.any = false;
  const slash = at.indexOf('/');
  const keyword = slash === -1 ? at : at.slice(0, slash);
  const problem = { keyword, at: at === '' ? '' : `/${at}`, message };
  if (node.problems === null) node.problems = [problem];
  else node.problems.push(problem);
}
