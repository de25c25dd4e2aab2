/** How reconnect attempts are spaced. */
export interface BackoffSettings {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The wait before reconnect attempt `attempt` (1-based): exponential
 * (`initialDelayMs * 2^(attempt-1)`, capped at `maxDelayMs`) with "equal
 * jitter": half fixed, half random, so many bridges that lost the same
 * server do not retry in lockstep yet never retry at once.
 */
export function backoffDelay(
  attempt: number,
  settings: BackoffSettings,
  random: () => number,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** exponent);
  const r = random();
  const unit = typeof r === 'number' && r >= 0 && r < 1 ? r : 0.5;
  return Math.round(ceiling / 2 + (ceiling / 2) * unit);
}
