import { isJwtHeader, isLikelySecretValue, isPlaceholder, looksRandom } from './_values.js';
import { isSensitiveKey } from './sensitive-keys.js';

/** Names of the built-in secret detectors. */
export type SecretDetectorName =
  | 'pem_private_key'
  | 'jwt'
  | 'aws_access_key_id'
  | 'github_token'
  | 'gitlab_token'
  | 'slack_token'
  | 'slack_webhook'
  | 'stripe_key'
  | 'google_api_key'
  | 'google_oauth_token'
  | 'npm_token'
  | 'sendgrid_key'
  | 'api_key'
  | 'bearer_token'
  | 'basic_auth'
  | 'url_password'
  | 'secret_assignment';

/** A span `[from, to)` inside the match, or undefined to discard the match. */
export type SecretMatchFilter = (match: RegExpExecArray) => readonly [number, number] | undefined;

/** One built-in detector: a linear-time regular expression and an optional confirmation. */
export interface SecretDetector {
  /** Stable name, reported in findings and audit events. */
  readonly name: SecretDetectorName;
  /** What it finds. */
  readonly description: string;
  /**
   * The regular-expression source. Every repetition is either bounded or
   * over a class that the next token cannot start with, and matches begin
   * only where a run of their characters begins, so scanning is linear in
   * the text's length.
   */
  readonly source: string;
  /** Flags besides `g`. */
  readonly flags: string;
  /**
   * A cheap, case-insensitive necessary condition: text it does not match
   * cannot match `source`, so the full expression is not run on it.
   */
  readonly hint: string;
  /**
   * A cheaper condition checked before `hint`: `run` means every match
   * holds 16 or more characters with no space between them; `assign` an
   * `=` or `:`; `scheme` a `://`; `dashes` a `-----`; `none` no condition.
   */
  readonly needs: 'run' | 'assign' | 'scheme' | 'dashes' | 'none';
  /** Confirms a match and narrows it to the secret itself (the value, not `password=`). */
  readonly accept?: SecretMatchFilter;
}

/** The span of the last capture group (the secret value, which ends the match), when it satisfies `ok`. */
function lastGroup(ok: (value: string) => boolean): SecretMatchFilter {
  return (match) => {
    const value = match[match.length - 1] ?? '';
    if (!ok(value)) return undefined;
    return [match[0].length - value.length, match[0].length];
  };
}

function isBasicCredential(token: string): boolean {
  try {
    const decoded = atob(token);
    return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
  } catch {
    return false;
  }
}

const hasDigit = (value: string): boolean => /\d/.test(value);

// Character runs: a match starts only where its run starts (the look-behinds),
// so a long run is scanned once rather than once per position.
const B64 = 'A-Za-z0-9_\\-';

// Order matters: see SECRET_DETECTORS.
const DETECTORS: SecretDetector[] = [
  {
    name: 'pem_private_key',
    description:
      'A PEM private key block (RSA, EC, DSA, OpenSSH, PGP, PKCS#8), to its END line or the end of the text',
    source:
      '-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)',
    flags: '',
    hint: 'private key',
    needs: 'dashes',
  },
  {
    name: 'jwt',
    description:
      'A JSON Web Token: three base64url segments whose header decodes to JSON with `alg`',
    source: `(?<![${B64}])ey[${B64}]{14,4096}\\.[${B64}]{2,}\\.[${B64}]*`,
    flags: '',
    hint: 'ey[A-Za-z0-9_-]{14}',
    needs: 'run',
    accept: (match) =>
      isJwtHeader(match[0].slice(0, match[0].indexOf('.'))) ? [0, match[0].length] : undefined,
  },
  {
    name: 'aws_access_key_id',
    description: 'An AWS access key id (AKIA... or ASIA... and 16 more)',
    source: '(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    flags: '',
    hint: 'akia|asia',
    needs: 'run',
  },
  {
    name: 'github_token',
    description: 'A GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)',
    source: '(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})',
    flags: '',
    hint: 'gh[pousr]_|github_pat_',
    needs: 'run',
  },
  {
    name: 'gitlab_token',
    description: 'A GitLab personal access token (glpat-...)',
    source: `(?<![${B64}])glpat-[${B64}]{20,64}`,
    flags: '',
    hint: 'glpat-',
    needs: 'run',
  },
  {
    name: 'slack_token',
    description: 'A Slack token (xoxb-, xoxp-, xoxa-, xoxo-, xoxs-, xoxr-)',
    source: '(?<![A-Za-z0-9-])xox[abposr]-[A-Za-z0-9-]{12,250}',
    flags: '',
    hint: 'xox[abposr]-',
    needs: 'run',
    accept: (match) => (hasDigit(match[0]) ? [0, match[0].length] : undefined),
  },
  {
    name: 'slack_webhook',
    description: 'A Slack incoming-webhook URL',
    source:
      'https://hooks\\.slack\\.com/services/T[A-Z0-9]{6,20}/B[A-Z0-9]{6,20}/[A-Za-z0-9]{16,100}',
    flags: '',
    hint: 'hooks\\.slack\\.com',
    needs: 'run',
  },
  {
    name: 'stripe_key',
    description:
      'A Stripe secret or restricted key (sk_live_, sk_test_, rk_live_, rk_test_) or webhook secret (whsec_)',
    source:
      '(?<![A-Za-z0-9_])(?:[sr]k_(?:live|test)_[A-Za-z0-9]{16,256}|whsec_[A-Za-z0-9]{24,256})',
    flags: '',
    hint: 'k_live_|k_test_|whsec_',
    needs: 'run',
  },
  {
    name: 'google_api_key',
    description: 'A Google API key (AIza and 35 more)',
    source: `(?<![${B64}])AIza[${B64}]{35}(?![${B64}])`,
    flags: '',
    hint: 'aiza',
    needs: 'run',
  },
  {
    name: 'google_oauth_token',
    description: 'A Google OAuth access token (ya29.)',
    source: `(?<![${B64}.])ya29\\.[${B64}]{20,2048}`,
    flags: '',
    hint: 'ya29\\.',
    needs: 'run',
  },
  {
    name: 'npm_token',
    description: 'An npm access token (npm_ and 36 more)',
    source: '(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])',
    flags: '',
    hint: 'npm_',
    needs: 'run',
  },
  {
    name: 'sendgrid_key',
    description: 'A SendGrid API key (SG.xxx.yyy)',
    source: `(?<![${B64}.])SG\\.[${B64}]{22}\\.[${B64}]{43}`,
    flags: '',
    hint: 'sg\\.',
    needs: 'run',
  },
  {
    name: 'api_key',
    description:
      'An sk-/sk_/rk-style API key (OpenAI, Anthropic, ...) whose body looks machine-made',
    source: `(?<![${B64}])[sr]k[-_]([${B64}]{20,512})`,
    flags: '',
    hint: '[sr]k[-_]',
    needs: 'run',
    accept: (match) => (looksRandom(match[1] ?? '') ? [0, match[0].length] : undefined),
  },
  {
    name: 'bearer_token',
    description: 'The token after `Bearer ` (it must contain a digit)',
    source: '\\bbearer[ \\t]+([A-Za-z0-9._~+/-]{16,4096}=*)',
    flags: 'i',
    hint: 'bearer',
    needs: 'run',
    accept: lastGroup(hasDigit),
  },
  {
    name: 'basic_auth',
    description:
      'HTTP Basic credentials after `Basic ` (base64 of user:password), in text that has a `:` or `=` (as a header line does)',
    source: '\\bbasic[ \\t]+([A-Za-z0-9+/]{8,4096}={0,2})',
    flags: 'i',
    hint: 'basic',
    needs: 'assign',
    accept: lastGroup(isBasicCredential),
  },
  {
    name: 'url_password',
    description:
      'The password in a URL with user info (scheme://user:password@host); not a placeholder, and not a bare port number (`host:8080@`)',
    source:
      '(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\\s/?#@:]{0,256}:([^\\s/?#@]{1,256})@(?=[A-Za-z0-9[])',
    flags: '',
    // User info ends in `@` before any `/`, `?` or `#`: most URLs fail at their first `/`.
    hint: '://[^\\s/?#@]*@',
    needs: 'scheme',
    accept: (match) => {
      const password = match[1] ?? '';
      // `host:5432@` is a port before a stray `@`, far likelier than a five-digit password.
      if (isPlaceholder(password) || /^\d{1,5}$/.test(password)) return undefined;
      return [match[0].length - 1 - password.length, match[0].length - 1];
    },
  },
  {
    name: 'secret_assignment',
    description:
      'A long, non-trivial value assigned to a secret-named key: `password=...`, `api_key: ...`, `"token": "..."`, `DB_PASSWORD=...`',
    source:
      '(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.-]{0,63})\\\\?["\']?[ \\t]*[:=]=?[ \\t]*\\\\?["\']?([^\\s"\'`,;&()<>{}\\[\\]\\\\]{8,512})',
    flags: '',
    hint: 'pass|pwd|secret|token|key|credential|auth|cookie|pin|session',
    needs: 'assign',
    accept: (match) => {
      const value = match[2] ?? '';
      if (!isSensitiveKey(match[1] ?? '') || !isLikelySecretValue(value)) return undefined;
      const input = match.input;
      // `password = getPassword()` is code, not a secret.
      if (input.charCodeAt(match.index + match[0].length) === 40) return undefined;
      return [match[0].length - value.length, match[0].length];
    },
  },
];

/**
 * The built-in detectors, most specific first (when two findings overlap,
 * the earlier detector names the merged finding). There is no generic
 * "high-entropy string" detector: it cannot tell a key from a hash, a UUID
 * or a base64 image, and it would flag ordinary data.
 */
export const SECRET_DETECTORS: readonly SecretDetector[] = Object.freeze(
  DETECTORS.map((detector) => Object.freeze(detector)),
);
