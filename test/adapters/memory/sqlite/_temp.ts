import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory for one test file, and a fresh path inside it per call. */
export function tempDir(label: string) {
  const dir = mkdtempSync(join(tmpdir(), `skreaver-sqlite-${label}-`));
  let n = 0;
  return {
    dir,
    /** A path that does not exist yet. */
    file(name = 'memory'): string {
      n++;
      return join(dir, `${name}-${n}.db`);
    },
    remove(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
