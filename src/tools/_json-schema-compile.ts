import { markApplicatorCycles } from './_json-schema-cycles.js';
import {
  ANY_NODE,
  addProblem,
  escapePointer,
  NEVER_NODE,
  type PropertyRule,
  SchemaNode,
  T_ARRAY,
  T_BOOLEAN,
  T_INTEGER,
  T_NULL,
  T_NUMBER,
  T_OBJECT,
  T_STRING,
} from './_json-schema-node.js';
import type { JsonSchemaType } from './json.js';

const TYPE_BITS: Readonly<Record<JsonSchemaType, number>> = {
  null: T_NULL,
  boolean: T_BOOLEAN,
  integer: T_INTEGER,
  number: T_NUMBER | T_INTEGER,
  string: T_STRING,
  array: T_ARRAY,
  object: T_OBJECT,
};

/*
 * Compiled nodes, keyed by schema object. Schemas are immutable descriptions
 * written by tool authors, so compiling each object once is safe; a WeakMap
 * holds nothing alive and has no observable state.
 */
const cache = new WeakMap<object, SchemaNode>();

function isSchemaObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/*
 * Compiling is iterative: `shell` registers a node before its children are
 * read, so a schema object that contains itself resolves to the node under
 * construction instead of recursing forever, and deep schemas cannot
 * exhaust the stack.
 */
class Compiler {
  readonly work: SchemaNode[] = [];
  readonly created: SchemaNode[] = [];

  shell(schema: Record<string, unknown>): SchemaNode {
    const node = new SchemaNode(schema);
    cache.set(schema, node);
    this.work.push(node);
    this.created.push(node);
    return node;
  }

  child(parent: SchemaNode, keyword: string, value: unknown): SchemaNode | null {
    if (value === true) return ANY_NODE;
    if (value === false) return NEVER_NODE;
    if (isSchemaObject(value)) return cache.get(value) ?? this.shell(value);
    addProblem(
      parent,
      keyword,
      `must be a schema (an object or a boolean), got ${describe(value)}`,
    );
    return null;
  }

  children(parent: SchemaNode, keyword: string, value: unknown): SchemaNode[] | null {
    if (!Array.isArray(value) || value.length === 0) {
      const got = Array.isArray(value) ? 'an empty array' : describe(value);
      addProblem(parent, keyword, `must be a non-empty array of schemas, got ${got}`);
      return null;
    }
    const nodes: SchemaNode[] = [];
    for (let i = 0; i < value.length; i++) {
      const node = this.child(parent, `${keyword}/${i}`, value[i]);
      if (node !== null) nodes.push(node);
    }
    return nodes;
  }

  fill(node: SchemaNode): void {
    const s = node.schema as Record<string, unknown>;
    try {
      this.readType(node, s);
      this.readValueKeywords(node, s);
      this.readStringKeywords(node, s);
      this.readNumberKeywords(node, s);
      this.readContainerKeywords(node, s);
      if (s.anyOf !== undefined) node.anyOf = this.children(node, 'anyOf', s.anyOf);
      if (s.oneOf !== undefined) node.oneOf = this.children(node, 'oneOf', s.oneOf);
    } catch (error) {
      addProblem(
        node,
        '',
        `could not be read: ${error instanceof Error ? error.message : 'error'}`,
      );
    }
    if (node.anyOf !== null || node.oneOf !== null) node.any = false;
  }

  readType(node: SchemaNode, s: Record<string, unknown>): void {
    const type = s.type;
    if (type === undefined) return;
    const names = typeof type === 'string' ? [type] : type;
    if (!Array.isArray(names) || names.length === 0) {
      addProblem(node, 'type', `must be a type name or a non-empty array of them`);
      return;
    }
    let bits = 0;
    for (const name of names) {
      const bit =
        typeof name === 'string' && Object.hasOwn(TYPE_BITS, name)
          ? TYPE_BITS[name as JsonSchemaType]
          : 0;
      if (bit === 0) {
        addProblem(node, 'type', `has unknown type name ${JSON.stringify(name) ?? String(name)}`);
        return;
      }
      bits |= bit;
    }
    node.types = bits;
    node.typeLabel = names.join(' or ');
    node.any = false;
  }

  readValueKeywords(node: SchemaNode, s: Record<string, unknown>): void {
    if (s.enum !== undefined) {
      if (Array.isArray(s.enum)) {
        node.enumValues = s.enum;
        node.any = false;
      } else addProblem(node, 'enum', `must be an array, got ${describe(s.enum)}`);
    }
    if (Object.hasOwn(s, 'const')) {
      node.hasConst = true;
      node.constValue = s.const;
      node.any = false;
    }
  }

  readStringKeywords(node: SchemaNode, s: Record<string, unknown>): void {
    if (s.minLength !== undefined) {
      if (isCount(s.minLength)) node.minLength = s.minLength;
      else addProblem(node, 'minLength', 'must be a non-negative integer');
    }
    if (s.maxLength !== undefined) {
      if (isCount(s.maxLength)) node.maxLength = s.maxLength;
      else addProblem(node, 'maxLength', 'must be a non-negative integer');
    }
    if (s.pattern !== undefined) {
      if (typeof s.pattern !== 'string') addProblem(node, 'pattern', 'must be a string');
      else {
        node.pattern = compilePattern(s.pattern);
        if (node.pattern === null) {
          addProblem(
            node,
            'pattern',
            `${JSON.stringify(s.pattern)} is not a valid regular expression`,
          );
        }
      }
    }
    if (
      node.minLength > 0 ||
      node.maxLength !== Number.POSITIVE_INFINITY ||
      node.pattern !== null
    ) {
      node.any = false;
    }
  }

  readNumberKeywords(node: SchemaNode, s: Record<string, unknown>): void {
    const bound = (keyword: string): number => {
      const value = s[keyword];
      if (value === undefined || typeof value === 'boolean') return Number.NaN;
      if (typeof value === 'number' && Number.isFinite(value)) {
        node.any = false;
        return value;
      }
      addProblem(node, keyword, 'must be a finite number');
      return Number.NaN;
    };
    node.minimum = bound('minimum');
    node.maximum = bound('maximum');
    node.exclusiveMinimum = bound('exclusiveMinimum');
    node.exclusiveMaximum = bound('exclusiveMaximum');
    // Draft-04 form: a boolean `exclusiveMinimum` makes `minimum` exclusive.
    if (s.exclusiveMinimum === true && !Number.isNaN(node.minimum)) {
      node.exclusiveMinimum = node.minimum;
      node.minimum = Number.NaN;
    }
    if (s.exclusiveMaximum === true && !Number.isNaN(node.maximum)) {
      node.exclusiveMaximum = node.maximum;
      node.maximum = Number.NaN;
    }
  }

  readContainerKeywords(node: SchemaNode, s: Record<string, unknown>): void {
    if (s.minItems !== undefined) {
      if (isCount(s.minItems)) node.minItems = s.minItems;
      else addProblem(node, 'minItems', 'must be a non-negative integer');
    }
    if (s.maxItems !== undefined) {
      if (isCount(s.maxItems)) node.maxItems = s.maxItems;
      else addProblem(node, 'maxItems', 'must be a non-negative integer');
    }
    if (s.items !== undefined) {
      if (Array.isArray(s.items)) {
        addProblem(node, 'items', 'must be a single schema (the tuple form is not supported)');
      } else node.items = this.child(node, 'items', s.items);
    }
    if (s.properties !== undefined) this.readProperties(node, s.properties);
    if (s.required !== undefined) {
      if (Array.isArray(s.required) && s.required.every((k) => typeof k === 'string')) {
        node.required = s.required.length > 0 ? (s.required as string[]) : null;
      } else addProblem(node, 'required', 'must be an array of strings');
    }
    if (s.additionalProperties !== undefined) {
      node.additional = this.child(node, 'additionalProperties', s.additionalProperties);
      if (node.additional === ANY_NODE) node.additional = null;
    }
    if (
      node.minItems > 0 ||
      node.maxItems !== Number.POSITIVE_INFINITY ||
      node.items !== null ||
      node.properties !== null ||
      node.required !== null ||
      node.additional !== null
    ) {
      node.any = false;
    }
  }

  readProperties(node: SchemaNode, value: unknown): void {
    if (!isSchemaObject(value)) {
      addProblem(node, 'properties', `must be an object of schemas, got ${describe(value)}`);
      return;
    }
    const rules: PropertyRule[] = [];
    const names = new Set<string>();
    for (const key of Object.keys(value)) {
      names.add(key);
      const child = this.child(node, `properties/${escapePointer(key)}`, value[key]);
      if (child !== null && child !== ANY_NODE) {
        rules.push({ key, node: child, inherited: key in Object.prototype });
      }
    }
    node.propertyNames = names;
    if (rules.length > 0) node.properties = rules;
  }
}

/** Compiles a pattern with Unicode semantics, falling back to legacy syntax; null when invalid. */
function compilePattern(source: string): RegExp | null {
  try {
    return new RegExp(source, 'u');
  } catch {
    try {
      return new RegExp(source);
    } catch {
      return null;
    }
  }
}

/** The compiled node of a schema (an object or a boolean); cached per schema object. */
export function nodeFor(schema: unknown): SchemaNode {
  if (schema === true) return ANY_NODE;
  if (schema === false) return NEVER_NODE;
  if (!isSchemaObject(schema)) {
    const node = new SchemaNode(schema);
    addProblem(node, '', `a schema must be an object or a boolean, got ${describe(schema)}`);
    return node;
  }
  const cached = cache.get(schema);
  if (cached !== undefined) return cached;
  const compiler = new Compiler();
  const root = compiler.shell(schema);
  for (let node = compiler.work.pop(); node !== undefined; node = compiler.work.pop()) {
    compiler.fill(node);
  }
  markApplicatorCycles(compiler.created);
  return root;
}
