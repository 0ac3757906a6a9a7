// Following a deployment: its log from a cursor, as it is written, until its outcome (or until its
// build's). The one way to wait for a deployment: the deploy job waiting for its build, the git
// push relay and the CLI's follow stream all use it. Waiting is a blocking read (XREAD BLOCK) on a
// Redis connection of its own, closed when the follow ends. The rows are read only at the start
// (a deployment already over) and when a read times out: a safety net for a deployment finished
// by a path that wrote no end entry, or whose stream expired — not a poll.
import {
  BUILD_OUTCOMES,
  type BuildEnd,
  type DeploymentEnd,
  type DeploymentState,
  deployLogEntryOf,
  deployLogKey,
  isFinished,
  wentLive,
} from "@berth/core/apps";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";

export type FollowEvent = { kind: "line"; id: string; ts: string; text: string } | { kind: "build"; build: BuildEnd } | { kind: "end"; end: DeploymentEnd };

export type FollowOptions = {
  /** Entries after this stream id (exclusive); from the start without one. */
  after?: string;
  /** `end` (default): until the deployment finishes. `build`: until its build does (or the deployment, first). */
  until?: "end" | "build";
  /** Stops following: the iteration just ends, without an outcome. */
  signal?: AbortSignal;
  /** How long one read blocks before the rows are looked at. */
  blockMs?: number;
};

export const FOLLOW_BLOCK_MS = 5_000;
const BATCH = 500;

type StreamEntry = [id: string, fields: string[]];

/** Lines of the deployment's log, then one `end` (or `build`) event with the outcome, unless aborted first. */
export async function* followDeployment(
  deps: { db: Db; redis: Redis },
  deploymentId: string,
  opts: FollowOptions = {},
): AsyncGenerator<FollowEvent, void, undefined> {
  const { signal } = opts;
  const until = opts.until ?? "end";
  const key = deployLogKey(deploymentId);
  if (signal?.aborted) return;
  const conn = deps.redis.duplicate();
  // A failed read rejects its command; the event is not needed on top.
  conn.on("error", () => {});
  // Aborting closes the connection, which ends a read blocked on it.
  const close = () => conn.disconnect();
  signal?.addEventListener("abort", close, { once: true });
  let cursor = opts.after ?? "0-0";
  try {
    // Over already (or once a read times out and the rows say so): the rest of the stream up to its
    // end entry, then the outcome as the rows hold it now (a deployment that went live may since be replaced).
    let settled = await outcomeInRows(deps.db, deploymentId, until);
    for (;;) {
      if (signal?.aborted) return;
      const entries = await read(conn, key, cursor, settled ? null : (opts.blockMs ?? FOLLOW_BLOCK_MS));
      if (entries.length === 0) {
        if (settled) {
          yield settled;
          return;
        }
        settled = await outcomeInRows(deps.db, deploymentId, until);
        continue;
      }
      const step = followStep(entries, until);
      cursor = step.cursor;
      yield* step.lines;
      if (step.final) {
        yield settled ?? step.final;
        return;
      }
    }
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  } finally {
    signal?.removeEventListener("abort", close);
    conn.disconnect();
  }
}

async function read(conn: Redis, key: string, after: string, blockMs: number | null): Promise<StreamEntry[]> {
  const res = (
    blockMs === null ? await conn.xread("COUNT", BATCH, "STREAMS", key, after) : await conn.xread("COUNT", BATCH, "BLOCK", blockMs, "STREAMS", key, after)
  ) as [string, StreamEntry[]][] | null;
  return res?.[0]?.[1] ?? [];
}

/** What a batch of stream entries means to a follower: its lines, the entry it ends at (if any), where it got to. */
export function followStep(entries: readonly StreamEntry[], until: "end" | "build"): { lines: FollowEvent[]; final: FollowEvent | null; cursor: string } {
  const lines: FollowEvent[] = [];
  let cursor = "";
  for (const [id, fields] of entries) {
    cursor = id;
    const entry = deployLogEntryOf(id, fields);
    if (!entry) continue;
    switch (entry.kind) {
      case "line":
        lines.push({ kind: "line", id, ts: timeOf(id), text: entry.text });
        break;
      case "build":
        if (until === "build") return { lines, final: { kind: "build", build: entry.build }, cursor };
        break;
      case "end":
        return { lines, final: { kind: "end", end: entry.end }, cursor };
    }
  }
  return { lines, final: null, cursor };
}

/** A stream id's milliseconds as an ISO time (when the line was written). */
export const timeOf = (id: string) => new Date(Number(id.split("-")[0]) || 0).toISOString();

type Row = {
  status: string;
  reason: string | null;
  release: { version: number } | null;
  build: { status: string; error: string | null } | null;
} | null;

async function outcomeInRows(db: Db, deploymentId: string, until: "end" | "build"): Promise<FollowEvent | null> {
  const row = await db.deployment.findUnique({
    where: { id: deploymentId },
    select: { status: true, reason: true, release: { select: { version: true } }, build: { select: { status: true, error: true } } },
  });
  return outcomeOfRow(row, until);
}

/** The outcome a deployment's row (with its release and build) holds, or null while it (or its build) goes on. */
export function outcomeOfRow(row: Row, until: "end" | "build"): FollowEvent | null {
  if (!row) return { kind: "end", end: { status: "failed", reason: "the deployment no longer exists", releaseVersion: null } };
  if (until === "build") {
    if (!row.build) return { kind: "build", build: { status: "failed", error: "the build no longer exists" } };
    const status = BUILD_OUTCOMES.find((s) => s === row.build?.status);
    if (status) return { kind: "build", build: { status, error: row.build.error } };
  }
  const status = row.status as DeploymentState;
  if (!isFinished(status)) return null;
  return { kind: "end", end: { status, reason: row.reason, releaseVersion: wentLive(status) ? (row.release?.version ?? null) : null } };
}
