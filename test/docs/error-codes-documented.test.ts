import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/codes.js';

// docs/errors.md is the user's list of codes; it must name every one.
describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

  it('documents every error code', () => {
    const missing = Object.values(ERROR_CODES)
      .flat()
      .filter((code) => !doc.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});
