import { ValidationError } from '../errors/families.js';
import { type ApiKeyFormat, base64UrlLength } from './api-key-format.js';
import { type ApiKeyStore, memoryApiKeyStore } from './api-key-store.js';
import { API_KEY_DEFAULTS, type ApiKeyManagerOptions } from './api-key-types.js';

const PREFIX_RULE = /^[A-Za-z][A-Za-z0-9]{0,15}[_-]$/;
export const MAX_NAME_LENGTH = 128;
export const SALT_BYTES = 16;
export const ID_BYTES = 12;

function invalidOption(option: string, value: unknown, rule: string): ValidationError {
  return new ValidationError('invalid_options', `The API key option '${option}' must be ${rule}.`, {
    data: { option, value },
  });
}

export function invalidInput(field: string, rule: string): ValidationError {
  return new ValidationError('invalid_input', `The API key ${field} must be ${rule}.`, {
    data: { field },
  });
}

export function isDuration(value: unknown, allowZero: boolean): value is number {
  return (
    typeof value === 'number' &&
    (value === Number.POSITIVE_INFINITY ||
      (Number.isFinite(value) && (allowZero ? value >= 0 : value > 0)))
  );
}

function resolve<T>(
  value: T | undefined,
  fallback: T,
  ok: (v: T) => boolean,
  option: string,
  rule: string,
): T {
  const chosen = value === undefined ? fallback : value;
  if (!ok(chosen)) throw invalidOption(option, value, rule);
  return chosen;
}

/** The manager's options, checked and defaulted. */
export interface ApiKeySettings {
  readonly format: ApiKeyFormat;
  readonly secretBytes: number;
  readonly maxKeys: number;
  readonly defaultExpiresInMs: number;
  readonly graceDefault: number;
  readonly lastUsedInterval: number;
  readonly now: () => number;
  readonly store: ApiKeyStore;
}

/** Checks and defaults every option; throws `invalid_options` on the first bad one. */
export function resolveApiKeySettings(options: ApiKeyManagerOptions): ApiKeySettings {
  const prefix = resolve(
    options.prefix,
    API_KEY_DEFAULTS.prefix,
    (v) => typeof v === 'string' && PREFIX_RULE.test(v),
    'prefix',
    'a letter, up to 15 letters or digits, then `_` or `-`',
  );
  const secretBytes = resolve(
    options.secretBytes,
    API_KEY_DEFAULTS.secretBytes,
    (v) => Number.isInteger(v) && v >= 24 && v <= 64,
    'secretBytes',
    'an integer from 24 to 64',
  );
  const maxKeys = resolve(
    options.maxKeysPerPrincipal,
    API_KEY_DEFAULTS.maxKeysPerPrincipal,
    (v) => v === Number.POSITIVE_INFINITY || (Number.isInteger(v) && v >= 1),
    'maxKeysPerPrincipal',
    'a positive integer or Infinity',
  );
  const defaultExpiresInMs = resolve(
    options.defaultExpiresInMs,
    API_KEY_DEFAULTS.defaultExpiresInMs,
    (v) => isDuration(v, false),
    'defaultExpiresInMs',
    'a positive number of milliseconds or Infinity',
  );
  const graceDefault = resolve(
    options.rotationGraceMs,
    API_KEY_DEFAULTS.rotationGraceMs,
    (v) => isDuration(v, true) && v !== Number.POSITIVE_INFINITY,
    'rotationGraceMs',
    'a finite number of milliseconds, 0 or more',
  );
  const lastUsedInterval = resolve(
    options.lastUsedIntervalMs,
    API_KEY_DEFAULTS.lastUsedIntervalMs,
    (v) => isDuration(v, true),
    'lastUsedIntervalMs',
    'a number of milliseconds, 0 or more, or Infinity',
  );
  const now = resolve(options.now, Date.now, (v) => typeof v === 'function', 'now', 'a function');
  return {
    format: { prefix, secretLength: base64UrlLength(secretBytes) },
    secretBytes,
    maxKeys,
    defaultExpiresInMs,
    graceDefault,
    lastUsedInterval,
    now,
    store: options.store ?? memoryApiKeyStore(),
  };
}
