import { isTable, type Translation, unknownKey } from './_context.js';
import { showPath, type TomlPath } from './_locate.js';
import { type SectionRules, SKIP, snake } from './_rules.js';
import { IGNORED_SECTIONS, SECTION_RULES, TOOL_RULES, TOOL_SECTIONS } from './_sections.js';

type Out = Record<string, unknown>;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** The policy path of a child key, written the way `validatePolicy()` writes it. */
export function policyChild(parent: string, key: string): string {
  if (PLAIN_KEY.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

function define(target: Out, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Translates one section's keys into `out` (a policy section at `outPath`). */
function translateSection(
  value: unknown,
  at: TomlPath,
  rules: SectionRules,
  outPath: string,
  out: Out,
  t: Translation,
): unknown {
  if (!t.sources.has(outPath)) t.sources.set(outPath, at);
  // A section that is not a table is passed on, for validation to report its type.
  if (!isTable(value)) return value;
  for (const [key, field] of Object.entries(value)) {
    const p = [...at, key];
    const rule = Object.hasOwn(rules.rules, key) ? rules.rules[key] : undefined;
    if (rule === undefined) t.problem(p, unknownKey(key, rules.known, `[${showPath(at)}]`));
    else if (rule.kind === 'ignored') t.warn(p, `is accepted and has no effect: ${rule.note}`);
    else if (rule.kind === 'special') rule.apply(field, p, out, outPath, t);
    else {
      const converted = rule.convert === undefined ? field : rule.convert(field, p, t);
      if (converted !== SKIP) t.set(out, outPath, rule.target, converted, p);
    }
  }
  return out;
}

/** The section object of a tool override, created on first use. */
function subsection(override: Out, name: string): Out {
  const existing = override[name];
  if (isTable(existing)) return existing;
  const created: Out = {};
  define(override, name, created);
  return created;
}

function translateTool(value: unknown, at: TomlPath, outPath: string, t: Translation): unknown {
  t.sources.set(outPath, at);
  if (!isTable(value)) return value;
  const override: Out = {};
  for (const [key, field] of Object.entries(value)) {
    const p = [...at, key];
    if (TOOL_SECTIONS.includes(key)) {
      const rules = SECTION_RULES[key] as SectionRules;
      const target = isTable(field) ? subsection(override, key) : {};
      const result = translateSection(field, p, rules, `${outPath}.${key}`, target, t);
      if (!isTable(field)) define(override, key, result);
      continue;
    }
    const rule = Object.hasOwn(TOOL_RULES.rules, key) ? TOOL_RULES.rules[key] : undefined;
    if (rule === undefined) {
      t.problem(p, unknownKey(key, [...TOOL_RULES.known, ...TOOL_SECTIONS], `[${showPath(at)}]`));
    } else if (rule.kind === 'ignored') t.warn(p, `is accepted and has no effect: ${rule.note}`);
    else if (rule.kind === 'field') {
      const [section, fieldName] = rule.target.split('.');
      if (fieldName === undefined) t.set(override, outPath, rule.target, field, p);
      else
        t.set(
          subsection(override, section as string),
          `${outPath}.${section}`,
          fieldName,
          field,
          p,
        );
    }
  }
  return override;
}

function translateTools(value: unknown, at: TomlPath, t: Translation): unknown {
  t.sources.set('tools', at);
  if (!isTable(value)) return value;
  const tools: Out = {};
  for (const [name, table] of Object.entries(value)) {
    define(tools, name, translateTool(table, [...at, name], policyChild('tools', name), t));
  }
  return tools;
}

/**
 * Turns a parsed TOML document (original or skreaver layout, snake_case or
 * camelCase keys) into a policy input for `validatePolicy()`, reporting
 * unknown keys as problems and ignored ones as warnings, and recording
 * where each policy field came from.
 */
export function translate(doc: Record<string, unknown>, t: Translation): Out {
  const policy: Out = {};
  const known = [...Object.keys(SECTION_RULES), 'tools', ...Object.keys(IGNORED_SECTIONS)];
  for (const [key, value] of Object.entries(doc)) {
    const rules = Object.hasOwn(SECTION_RULES, key) ? SECTION_RULES[key] : undefined;
    if (rules !== undefined) define(policy, key, translateSection(value, [key], rules, key, {}, t));
    else if (key === 'tools') define(policy, key, translateTools(value, [key], t));
    else if (Object.hasOwn(IGNORED_SECTIONS, key)) {
      t.warn([key], `[${key}] is accepted and ignored: ${IGNORED_SECTIONS[key]}`);
    } else t.problem([key], unknownKey(key, known, 'the policy file'));
  }
  return policy;
}

/** `.key`, `[3]` or `["odd key"]`; a new (sticky, so stateful) expression per use. */
const segment = (): RegExp => /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** The TOML path a `validatePolicy()` problem or warning path refers to. */
export function sourceOf(policyPath: string, t: Translation): TomlPath {
  for (let end = policyPath.length; end > 0; end--) {
    const next = policyPath[end];
    if (end < policyPath.length && next !== '.' && next !== '[') continue;
    const base = t.sources.get(policyPath.slice(0, end));
    if (base === undefined) continue;
    const rest: (string | number)[] = [];
    const SEGMENT = segment();
    SEGMENT.lastIndex = end;
    for (let m = SEGMENT.exec(policyPath); m !== null; m = SEGMENT.exec(policyPath)) {
      // A field the file did not set: shown the way a TOML author would write it.
      if (m[1] !== undefined) rest.push(snake(m[1]));
      else if (m[2] !== undefined) rest.push(Number(m[2]));
      else rest.push(JSON.parse(m[3] as string) as string);
      if (SEGMENT.lastIndex >= policyPath.length) break;
    }
    return [...base, ...rest];
  }
  return [];
}
