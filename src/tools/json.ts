/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * The subset of JSON Schema (draft 2020-12) that tool input schemas use and
 * that {@link checkJsonSchema} enforces. Other keywords may be present; they
 * are published (to MCP clients, OpenAPI) but not checked.
 */
export interface JsonSchema {
  /** Allowed JSON type or types. */
  readonly type?: JsonSchemaType | readonly JsonSchemaType[];
  /** Schemas of named object properties. */
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  /** Object properties that must be present. */
  readonly required?: readonly string[];
  /** Whether (or how) properties not in `properties` are allowed. */
  readonly additionalProperties?: boolean | JsonSchema;
  /** Schema every array element must match. */
  readonly items?: JsonSchema;
  /** The value must deep-equal one of these. */
  readonly enum?: readonly JsonValue[];
  /** The value must deep-equal this. */
  readonly const?: JsonValue;
  /** Minimum string length, in code points. */
  readonly minLength?: number;
  /** Maximum string length, in code points. */
  readonly maxLength?: number;
  /** Regular expression a string must match (unanchored). */
  readonly pattern?: string;
  /** Inclusive lower bound of a number. */
  readonly minimum?: number;
  /** Inclusive upper bound of a number. */
  readonly maximum?: number;
  /** Exclusive lower bound of a number. */
  readonly exclusiveMinimum?: number;
  /** Exclusive upper bound of a number. */
  readonly exclusiveMaximum?: number;
  /** Minimum array length. */
  readonly minItems?: number;
  /** Maximum array length. */
  readonly maxItems?: number;
  /** The value must match at least one of these. */
  readonly anyOf?: readonly JsonSchema[];
  /** The value must match exactly one of these. */
  readonly oneOf?: readonly JsonSchema[];
  /** What the value means (published, not checked). */
  readonly description?: string;
  /** A short name (published, not checked). */
  readonly title?: string;
  /** The value used when absent (published, not applied). */
  readonly default?: JsonValue;
  /** Other keywords: published as given, not checked. */
  readonly [keyword: string]: unknown;
}

/** The primitive type names of JSON Schema. */
export type JsonSchemaType =
  | 'null'
  | 'boolean'
  | 'number'
  | 'integer'
  | 'string'
  | 'array'
  | 'object';
