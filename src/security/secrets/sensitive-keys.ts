/** Words that make a key sensitive wherever they appear in it. */
const ANYWHERE: ReadonlySet<string> = new Set(['password', 'passwd', 'passphrase']);

/** Endings of a key's last word that make it sensitive (`pgpassword`, `accesstoken`). */
const SUFFIXES: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'credential',
  'credentials',
];

/** Whole last words that make a key sensitive. */
const LAST: ReadonlySet<string> = new Set([
  'pwd',
  'pass',
  'auth',
  'authorization',
  'cookie',
  'cookies',
  'pin',
]);

/** Last-two-word pairs that name a key (`api_key`, `privateKey`, `client-secret`). */
const PAIRS: ReadonlySet<string> = new Set([
  'api key',
  'access key',
  'private key',
  'secret key',
  'auth key',
  'signing key',
  'encryption key',
  'master key',
  'session key',
  'session id',
  'set cookie',
]);

/** `DB_PASSWORD` -> ['db', 'password']; `accessToken` -> ['access', 'token']. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * Whether a key (an object property, an env variable, an assignment's left
 * side) names a secret: `password`, `DB_PASSWORD`, `apiKey`, `api-key`,
 * `accessToken`, `client_secret`, `Authorization`, `cookie`, ... but not
 * `maxTokens`, `tokenCount`, `key` or `passenger`. Decided on the key's
 * words (split at `_`, `-`, `.`, spaces and camelCase humps).
 *
 * @example
 * ```ts
 * isSensitiveKey('aws_secret_access_key'); // true
 * isSensitiveKey('max_tokens');            // false
 * ```
 */
export function isSensitiveKey(key: string): boolean {
  if (key.length === 0 || key.length > 128) return false;
  const parts = words(key);
  const last = parts[parts.length - 1];
  if (last === undefined) return false;
  if (LAST.has(last) || parts.some((w) => ANYWHERE.has(w))) return true;
  if (SUFFIXES.some((suffix) => last.endsWith(suffix))) return true;
  const before = parts[parts.length - 2];
  return before !== undefined && PAIRS.has(`${before} ${last}`);
}
