import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A random lowercase identifier part, for tables and namespaces no other test uses. */
export function randomName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Runs one statement on a short-lived connection of its own. */
export async function admin<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Drops a memory table and its migration records (and the schema, when given one to drop). */
export async function dropTable(url: string, table: string, schema = 'public'): Promise<void> {
  await admin(url, `DROP TABLE IF EXISTS "${schema}"."${table}"`);
  await admin(url, `DELETE FROM "${schema}".skreaver_migrations WHERE table_name = $1`, [
    table,
  ]).catch(() => {});
}
