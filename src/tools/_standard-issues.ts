import { escapePointer } from './_json-schema-node.js';
import type { ToolInputIssue } from './dispatch-errors.js';
import { DEFAULT_MAX_SCHEMA_ISSUES } from './json-schema-check.js';

function segmentText(segment: unknown): string {
  const key =
    typeof segment === 'object' && segment !== null ? (segment as { key?: unknown }).key : segment;
  if (typeof key === 'symbol') return key.description ?? '';
  return String(key);
}

/** Turns a Standard Schema path (keys, or `{ key }` objects) into a JSON pointer. */
function pointerOf(path: unknown): string {
  if (!Array.isArray(path)) return '';
  let out = '';
  for (const segment of path) out += `/${escapePointer(segmentText(segment))}`;
  return out;
}

/**
 * Converts a Standard Schema validator's issues into the registry's form,
 * keeping at most as many as the JSON Schema check would. Validators are
 * third-party code, so every field is checked before use.
 */
export function standardIssues(issues: unknown): ToolInputIssue[] {
  const out: ToolInputIssue[] = [];
  if (Array.isArray(issues)) {
    for (const issue of issues) {
      if (out.length >= DEFAULT_MAX_SCHEMA_ISSUES) break;
      const record = (typeof issue === 'object' && issue !== null ? issue : {}) as {
        message?: unknown;
        path?: unknown;
      };
      const message = typeof record.message === 'string' ? record.message : 'is invalid';
      out.push({ path: pointerOf(record.path), message });
    }
  }
  if (out.length === 0) out.push({ path: '', message: 'was rejected by the validator' });
  return out;
}
