/**
 * `skreaver/config/toml`: read a security policy from a TOML file, in
 * skreaver's layout or the original's, through smol-toml (an optional peer
 * dependency).
 *
 * @packageDocumentation
 */
export { loadPolicyFile } from './load-policy-file.js';
export {
  type LoadPolicyFileOptions,
  POLICY_TOML_DEFAULTS,
  type PolicyToml,
  type PolicyTomlOptions,
} from './options.js';
export { parsePolicyToml } from './parse-policy-toml.js';
