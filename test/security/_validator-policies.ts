import {
  DEFAULT_POLICY,
  type FsPolicy,
  type HttpPolicy,
  type NetworkPolicy,
  type SecurityPolicy,
} from '../../src/security/policy/index.js';

/** A whole policy with the given HTTP and network overrides; fresh objects every call. */
export function httpPolicy(
  http: Partial<HttpPolicy> = {},
  network: Partial<NetworkPolicy> = {},
): SecurityPolicy {
  return {
    ...DEFAULT_POLICY,
    http: Object.freeze({ ...DEFAULT_POLICY.http, enabled: true, ...http }),
    network: Object.freeze({ ...DEFAULT_POLICY.network, ...network }),
  };
}

/** An enabled fs section with the given overrides. */
export function fsPolicy(fs: Partial<FsPolicy> = {}): FsPolicy {
  return Object.freeze({ ...DEFAULT_POLICY.fs, enabled: true, ...fs });
}
