// One SQL statement against the stack's database on a connection of its own: for tests that set up
// rows the API cannot make (old timestamps, states in between) or look below it.
import pg from "pg";
import { stack } from "./config.ts";

export async function sql<T = Record<string, unknown>>(q: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: stack.databaseUrl });
  await c.connect();
  try {
    return (await c.query(q, params)).rows as T[];
  } finally {
    await c.end();
  }
}
