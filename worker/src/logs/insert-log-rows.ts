// One INSERT … SELECT FROM unnest(arrays) per batch, ON CONFLICT DO NOTHING on the unique cursor
// (streamKey, ms, seq): a batch written twice stays one copy. Prisma's createMany took about a
// second per 2,000 rows here; this takes milliseconds, which is what lets the archiver keep up.
import type { Db } from "@berth/db";
import type { LogRow } from "./log-rows.ts";

export async function insertLogRows(db: Db, rows: readonly LogRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  return db.$executeRawUnsafe(
    `INSERT INTO log_line ("appId", "streamKey", "deploymentId", ms, seq, container, replica, stream, at, text)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::text[], $8::text[], $9::timestamp(3)[], $10::text[])
     ON CONFLICT ("streamKey", ms, seq) DO NOTHING`,
    rows.map((r) => r.appId),
    rows.map((r) => r.streamKey),
    rows.map((r) => r.deploymentId),
    rows.map((r) => r.ms.toString()),
    rows.map((r) => r.seq),
    rows.map((r) => r.container),
    rows.map((r) => r.replica),
    rows.map((r) => r.stream),
    // timestamp(3) without time zone holds UTC, as Prisma writes it.
    rows.map((r) => r.at.toISOString().replace("T", " ").replace("Z", "")),
    rows.map((r) => r.text),
  );
}
