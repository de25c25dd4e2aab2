import { postgresMemory } from 'skreaver/memory/postgres';
import { runMemoryConformance } from 'skreaver/testing';
import { afterAll, describe, it } from 'vitest';
import { findService, POSTGRES } from '../../../_support/services.js';
import { dropTable, randomName } from './_helpers.js';

const svc = await findService(POSTGRES);
// One table for the whole suite; every memory gets a namespace of its own,
// since the snapshot tests restore a memory's whole content.
const table = randomName('skm_conf');

describe.skipIf(!svc.available)('postgresMemory conformance', () => {
  afterAll(() => dropTable(svc.url, table));

  runMemoryConformance(
    'postgresMemory()',
    () =>
      postgresMemory({
        connectionString: svc.url,
        table,
        namespace: randomName('ns'),
        max: 3,
      }),
    { runner: { describe, it } },
  );
});
