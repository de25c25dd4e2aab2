import { isSensitiveKey } from './sensitive-keys.js';

/** Remembers which keys are secret-named: values reuse a few keys, and the check is not free. */
export class KeyCache {
  private readonly known = new Map<string, boolean>();

  constructor(private readonly max = 4096) {}

  sensitive(key: string): boolean {
    let hit = this.known.get(key);
    if (hit === undefined) {
      hit = isSensitiveKey(key);
      // Unbounded distinct keys (attacker-chosen) must not grow memory without end.
      if (this.known.size >= this.max) this.known.clear();
      this.known.set(key, hit);
    }
    return hit;
  }
}
