// Retention: log lines older than the cut-off go, a batch at a time so one huge DELETE never
// holds locks (or the WAL) for long while the archiver keeps inserting.
import type { Db } from "@berth/db";

export async function deleteOldLogLines(db: Db, olderThan: Date, opts: { batch?: number; maxBatches?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 10_000;
  const maxBatches = opts.maxBatches ?? 1_000;
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await db.$executeRaw`DELETE FROM log_line WHERE id IN (SELECT id FROM log_line WHERE at < ${olderThan} LIMIT ${batch})`;
    deleted += n;
    if (n < batch) break;
  }
  return deleted;
}
