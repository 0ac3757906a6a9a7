// GET …/deployments/{id}/follow: a deployment's log after a cursor as NDJSON, one `{line}` record per
// line as it is written, then one `{end}` record with the outcome, and the stream closes. History the
// Redis stream no longer holds comes from Postgres (readStreamAfter); then control's followDeployment
// waits on the stream itself. Blank lines (one at once, then one every KEEPALIVE_MS of quiet) start the
// answer and keep a quiet build's connection open; readers skip them.
import { followDeployment } from "@berth/control/deployments/follow-deployment";
import { AppError, deployLogKey, type FollowRecord, LOG_CURSOR } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { findApp } from "../apps/find-app.ts";
import type { TeamContext } from "../auth/authorize.ts";
import { readStreamAfter } from "../logs/read-stream-after.ts";
import { findDeployment } from "./find-deployment.ts";

const HISTORY_PAGE = 1_000;
const KEEPALIVE_MS = 25_000;
/** A follower reconnects from its cursor after this; it keeps a forgotten connection from living forever. */
const FOLLOW_MAX_MS = 60 * 60_000;

export async function streamDeployment(
  deps: { db: Db; redis: Redis },
  team: TeamContext,
  name: string,
  id: string,
  query: { after?: string },
  gone: AbortSignal,
): Promise<Response> {
  const app = await findApp(deps.db, team.id, name);
  const d = await findDeployment(deps.db, app.id, id);
  if (query.after !== undefined && !LOG_CURSOR.test(query.after)) throw new AppError("BAD_REQUEST", `"after" must be a line id like 1700000000000-0`);
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, gone, AbortSignal.timeout(FOLLOW_MAX_MS)]);
  const it = records(deps, { appId: app.id, deploymentId: d.id }, query.after, signal);
  const encoder = new TextEncoder();
  let next: Promise<IteratorResult<FollowRecord>> | null = null;
  const body = new ReadableStream<Uint8Array>({
    // Next sends the headers with the first chunk: a blank line at once lets the caller know it is following.
    start(controller) {
      controller.enqueue(encoder.encode("\n"));
    },
    async pull(controller) {
      next ??= it.next();
      let timer: NodeJS.Timeout | undefined;
      const quiet = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), KEEPALIVE_MS);
      });
      try {
        const r = await Promise.race([next, quiet]);
        if (r === null) return controller.enqueue(encoder.encode("\n"));
        next = null;
        if (r.done) controller.close();
        else controller.enqueue(encoder.encode(`${JSON.stringify(r.value)}\n`));
      } catch (err) {
        controller.error(err);
      } finally {
        clearTimeout(timer);
      }
    },
    async cancel() {
      stop.abort();
      await it.return(undefined);
    },
  });
  return new Response(body, {
    status: 200,
    // no-transform: a compressing layer would hold records back until its buffer fills.
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store, no-transform", "x-accel-buffering": "no" },
  });
}

async function* records(
  deps: { db: Db; redis: Redis },
  where: { appId: string; deploymentId: string },
  after: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<FollowRecord, void, undefined> {
  let cursor = after;
  for (;;) {
    const { lines, more } = await readStreamAfter(deps, { appId: where.appId, streamKey: deployLogKey(where.deploymentId) }, cursor, HISTORY_PAGE);
    for (const { id, ts, text } of lines) yield { line: { id, ts, text } };
    cursor = lines.at(-1)?.id ?? cursor;
    if (!more || signal.aborted) break;
  }
  for await (const event of followDeployment(deps, where.deploymentId, { after: cursor, signal })) {
    if (event.kind === "line") yield { line: { id: event.id, ts: event.ts, text: event.text } };
    else if (event.kind === "end") yield { end: event.end };
  }
}
