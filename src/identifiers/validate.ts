import { ValidationError } from '../errors/families.js';
import type { Result } from '../result.js';
import { IDENTIFIER_RULES, type IdentifierKind, type IdentifierRule } from './rules.js';

/** Why an identifier was refused. */
export type IdentifierProblem = 'empty' | 'too_long' | 'invalid_char' | 'not_a_string';

/** The `data` of an `invalid_identifier` error. */
export interface IdentifierErrorData {
  /** Which identifier kind was being checked ("tool name"). */
  readonly kind: string;
  /** Why it was refused. */
  readonly reason: IdentifierProblem;
  /** The trimmed input (absent when the input was not a string). */
  readonly input?: string;
  /** The offending character, for `invalid_char`. */
  readonly char?: string;
  /** Zero-based position of the offending character in the trimmed input, in code points. */
  readonly position?: number;
  /** UTF-8 byte length of the trimmed input, for `too_long`. */
  readonly bytes?: number;
  /** The limit in UTF-8 bytes, for `too_long`. */
  readonly maxBytes?: number;
}

const encoder = new TextEncoder();
const ASCII_WORD = /^[A-Za-z0-9_-]$/;
const UNICODE_WORD = /^[\p{Alphabetic}\p{N}_-]$/u;

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, '\\$&');
}

// One whole-string pattern per kind: valid identifiers (the hot path: every
// memory operation checks its key) pass in a single regex test; only a
// refused one is walked character by character to find the culprit.
const VALID = Object.fromEntries(
  Object.entries(IDENTIFIER_RULES).map(([kind, rule]) => [
    kind,
    rule.unicode
      ? new RegExp(`^[\\p{Alphabetic}\\p{N}_\\-${escapeClass(rule.extraChars)}]+$`, 'u')
      : new RegExp(`^[A-Za-z0-9_\\-${escapeClass(rule.extraChars)}]+$`),
  ]),
) as Record<IdentifierKind, RegExp>;

function byteLength(text: string): number {
  // Fast path: ASCII-only strings are one byte per code unit.
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return encoder.encode(text).length;
  }
  return text.length;
}

// Characters that print as nothing or as something else: controls, format
// characters (zero-width joiners, bidi overrides), lone surrogates, private-use
// and unassigned code points, separators and combining marks. They are shown
// only by code point, so a message never hides or reorders its own text.
const UNPRINTABLE = /^[\p{C}\p{Z}\p{M}]$/u;

function describeChar(char: string): string {
  const cp = char.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return UNPRINTABLE.test(char) ? hex : `'${char}' (${hex})`;
}

// JSON.stringify escapes quotes, C0 controls and lone surrogates; this also
// escapes what it leaves raw but a terminal or log viewer would act on (C1
// controls, DEL, bidi overrides and other format characters, line and
// paragraph separators), so a hostile identifier cannot forge log lines or
// reorder the message around it.
const UNSAFE_IN_MESSAGE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu;

function quote(text: string): string {
  return JSON.stringify(text).replace(
    UNSAFE_IN_MESSAGE,
    (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`,
  );
}

function article(label: string): string {
  return /^[aeiou]/i.test(label) ? 'An' : 'A';
}

function fail(
  data: IdentifierErrorData,
  message: string,
): Result<never, ValidationError<IdentifierErrorData>> {
  return { ok: false, error: new ValidationError('invalid_identifier', message, { data }) };
}

/**
 * Checks `input` against the rule for `kind` and returns the trimmed
 * identifier or a `ValidationError` with code `invalid_identifier`.
 */
export function checkIdentifier(
  kind: IdentifierKind,
  input: unknown,
): Result<string, ValidationError<IdentifierErrorData>> {
  const rule: IdentifierRule = IDENTIFIER_RULES[kind];
  if (typeof input !== 'string') {
    return fail(
      { kind: rule.label, reason: 'not_a_string' },
      `${article(rule.label)} ${rule.label} must be a string, got ${input === null ? 'null' : typeof input}.`,
    );
  }
  const value = input.trim();
  if (value.length === 0) {
    return fail(
      { kind: rule.label, reason: 'empty', input: value },
      `${article(rule.label)} ${rule.label} cannot be empty.`,
    );
  }
  const bytes = byteLength(value);
  if (bytes > rule.maxBytes) {
    return fail(
      { kind: rule.label, reason: 'too_long', input: value, bytes, maxBytes: rule.maxBytes },
      `The ${rule.label} is ${bytes} bytes long; the limit is ${rule.maxBytes} bytes (UTF-8).`,
    );
  }
  if (VALID[kind].test(value)) return { ok: true, value };
  const word = rule.unicode ? UNICODE_WORD : ASCII_WORD;
  let position = 0;
  for (const char of value) {
    if (!word.test(char) && !rule.extraChars.includes(char)) {
      const allowed = rule.unicode ? 'letters, digits' : 'ASCII letters, digits';
      const extras = [...'_-', ...rule.extraChars].map((c) => `'${c}'`).join(', ');
      return fail(
        { kind: rule.label, reason: 'invalid_char', input: value, char, position },
        `The ${rule.label} ${quote(value)} has the character ${describeChar(char)} at position ${position}; only ${allowed} and ${extras} are allowed.`,
      );
    }
    position++;
  }
  return { ok: true, value };
}
