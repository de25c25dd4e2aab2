/**
 * Who is making a call: the authenticated user, API key or service on whose
 * behalf an agent runs. Security and RBAC decide on it; the core only carries it.
 */
export interface Principal {
  /** Stable identifier of the caller (user id, key id, service name). */
  readonly id: string;
  /** Role names granted to the caller. */
  readonly roles: readonly string[];
  /** Extra claims from the authenticator (tenant, scopes, ...). */
  readonly attributes?: Readonly<Record<string, unknown>>;
}
