// One app's deployments and releases change one at a time: every writer that starts, claims,
// cancels or numbers them does so inside this transaction-scoped advisory lock on the app.
import type { Db } from "@berth/db";

/** The transaction client Prisma hands to `$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Runs `fn` in a transaction that holds the app's deploy lock until it commits or rolls back. */
export function withDeployLock<T>(db: Db, appId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`deploy:${appId}`}))`;
    return fn(tx);
  });
}
