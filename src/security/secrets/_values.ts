/** Shortest assigned value treated as a secret. */
export const MIN_ASSIGNED_SECRET = 8;

const PLACEHOLDER_WORDS: ReadonlySet<string> = new Set([
  'password',
  'passwd',
  'changeme',
  'change-me',
  'secret',
  'redacted',
  '[redacted]',
  'example',
  'placeholder',
  'undefined',
  'null',
  'none',
  'true',
  'false',
  'required',
  'optional',
  'string',
  'hidden',
  'masked',
  'not-set',
  'notset',
  'unknown',
  'your-api-key',
  'your_api_key',
  'yourapikey',
]);

/** `${VAR}`, `$VAR`, `<password>`, `{{ token }}`, `***`, `xxxxxxxx`, `process.env.X`, `%s`... */
export function isPlaceholder(value: string): boolean {
  const first = value[0];
  if (
    first === '$' ||
    first === '%' ||
    first === '<' ||
    first === '{' ||
    first === '[' ||
    first === '*'
  ) {
    return true;
  }
  const lower = value.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower)) return true;
  if (
    lower.includes('${') ||
    lower.includes('{{') ||
    lower.includes('***') ||
    lower.includes('xxxx') ||
    lower.includes('...')
  ) {
    return true;
  }
  // The same character over and over: a mask, not a secret.
  return /^(.)\1*$/su.test(value);
}

/** `config.apiKey`, `process.env.TOKEN`, `self.password`: code naming a value, not the value. */
const MEMBER_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

/**
 * Whether an assigned value (`password=<value>`) looks like a real secret
 * rather than prose, a type, a placeholder or a code reference: at least
 * {@link MIN_ASSIGNED_SECRET} characters, and a digit or symbol beside
 * letters (so `required`, `AccessToken` and `getPassword` are not secrets,
 * while `hunter2hunter2` and `s3cr3t!pw` are).
 */
export function isLikelySecretValue(value: string): boolean {
  if (value.length < MIN_ASSIGNED_SECRET || isPlaceholder(value)) return false;
  if (MEMBER_PATH.test(value)) return false;
  let letter = false;
  let digit = false;
  let symbol = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letter = true;
    else if (c >= 48 && c <= 57) digit = true;
    // `_`, `-` and `.` join words in identifiers; they do not make a value random.
    else if (c !== 95 && c !== 45 && c !== 46) symbol = true;
  }
  return (digit || symbol) && (letter || (digit && symbol));
}

/**
 * Whether a key body (after an `sk-`-style prefix) looks machine-made:
 * mixed case with a digit, or a long hex string. Keeps `sk-learn-docs-2024`
 * and `rk-deployment-notes` from being flagged.
 */
export function looksRandom(body: string): boolean {
  let upper = false;
  let lower = false;
  let digit = false;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else if (c >= 48 && c <= 57) digit = true;
  }
  if (upper && lower && digit) return true;
  return digit && body.length >= 32 && /^[0-9a-f]+$/i.test(body) && (upper || lower);
}

/** Whether a base64url JWT header decodes to a JSON object with a string `alg`. */
export function isJwtHeader(segment: string): boolean {
  if (segment.length > 4096) return false;
  try {
    const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const header: unknown = JSON.parse(atob(padded));
    return (
      typeof header === 'object' &&
      header !== null &&
      typeof (header as { alg?: unknown }).alg === 'string'
    );
  } catch {
    return false;
  }
}
